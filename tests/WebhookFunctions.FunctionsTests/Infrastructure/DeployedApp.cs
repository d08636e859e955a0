using WebhookFunctions.InfrastructureTests;

namespace WebhookFunctions.FunctionsTests.Infrastructure;

/// <summary>
/// The Functions app as infra/ deploys it, read from the evaluated template (<c>bicep snapshot</c>): its app settings
/// (values known only at deployment evaluated over <see cref="DeploymentTimeValues"/>) and the Service Bus entities.
/// </summary>
internal sealed class DeployedApp
{
    private DeployedApp(
        IReadOnlyDictionary<string, string?> appSettings,
        string serviceBusNamespace,
        IReadOnlyList<string> queues,
        IReadOnlyList<string> topicSubscriptions,
        string storageAccount)
    {
        AppSettings = appSettings;
        ServiceBusNamespace = serviceBusNamespace;
        Queues = queues;
        TopicSubscriptions = topicSubscriptions;
        StorageAccount = storageAccount;
    }

    /// <summary>The Function App's app settings, as the worker gets them (environment variables).</summary>
    public IReadOnlyDictionary<string, string?> AppSettings { get; }

    public string ServiceBusNamespace { get; }

    /// <summary>Queue names in the namespace.</summary>
    public IReadOnlyList<string> Queues { get; }

    /// <summary>Topic subscriptions in the namespace, as <c>topic/subscription</c>.</summary>
    public IReadOnlyList<string> TopicSubscriptions { get; }

    public string StorageAccount { get; }

    /// <summary>
    /// The prefix of the app settings that name the Service Bus namespace for identity-based connections
    /// (<c>&lt;prefix&gt;__fullyQualifiedNamespace</c>): the connection name the triggers must use.
    /// </summary>
    public string ServiceBusConnectionName => Assert.Single(
        AppSettings.Keys, name => name.EndsWith(FullyQualifiedNamespaceSuffix, StringComparison.Ordinal))[..^FullyQualifiedNamespaceSuffix.Length];

    private const string FullyQualifiedNamespaceSuffix = "__fullyQualifiedNamespace";

    public static DeployedApp From(DeploymentSnapshot snapshot)
    {
        var config = snapshot.Single("Microsoft.Web/sites/config");
        var settings = DeploymentSnapshot.At(config, "properties").EnumerateObject()
            .ToDictionary(setting => setting.Name, setting => (string?)ArmExpression.Evaluate(setting.Value.GetString()!, DeploymentTimeValues.Reference));
        var serviceBusNamespace = DeploymentSnapshot.Name(snapshot.Single("Microsoft.ServiceBus/namespaces"));
        return new DeployedApp(
            settings,
            serviceBusNamespace,
            EntityNames(snapshot, "Microsoft.ServiceBus/namespaces/queues", serviceBusNamespace),
            EntityNames(snapshot, "Microsoft.ServiceBus/namespaces/topics/subscriptions", serviceBusNamespace),
            DeploymentSnapshot.Name(snapshot.Single("Microsoft.Storage/storageAccounts")));
    }

    /// <summary>A child resource's name is <c>namespace/entity[/child]</c>; the entity path is what clients name.</summary>
    private static List<string> EntityNames(DeploymentSnapshot snapshot, string type, string serviceBusNamespace) =>
        snapshot.OfType(type).Select(DeploymentSnapshot.Name).Select(name => name[(serviceBusNamespace.Length + 1)..]).ToList();
}

/// <summary>Compiles and evaluates infra/ once for every test that reads it.</summary>
public sealed class DeployedAppFixture : IAsyncLifetime
{
    private readonly InfraCopy infra = InfraCopy.Create();

    internal DeployedApp App { get; private set; } = null!;

    public async Task InitializeAsync() =>
        App = DeployedApp.From(await DeploymentSnapshot.CreateAsync(infra, "functions-app", deployingUserId: null));

    public Task DisposeAsync()
    {
        infra.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class DeployedAppCollection : ICollectionFixture<DeployedAppFixture>
{
    public const string Name = "deployed app (infra/)";
}
