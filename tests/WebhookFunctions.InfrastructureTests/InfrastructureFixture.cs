namespace WebhookFunctions.InfrastructureTests;

/// <summary>Compiles infra/ once and evaluates it with and without a deploying user, for every test class.</summary>
public sealed class InfrastructureFixture : IAsyncLifetime
{
    private readonly InfraCopy infra = InfraCopy.Create();

    internal BicepRun Build { get; private set; } = null!;

    /// <summary>The compiled ARM template (main.json) as text.</summary>
    internal string CompiledTemplate { get; private set; } = "";

    internal DeploymentSnapshot WithDeployingUser { get; private set; } = null!;

    internal DeploymentSnapshot WithoutDeployingUser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Build = await BicepCli.RunAsync(infra.Directory, "build", "main.bicep", "--outfile", "main.json");
        if (Build.ExitCode == 0)
        {
            CompiledTemplate = await File.ReadAllTextAsync(infra.PathOf("main.json"));
        }

        WithDeployingUser = await DeploymentSnapshot.CreateAsync(infra, "with-user", DeploymentSnapshot.DeployingUserId);
        WithoutDeployingUser = await DeploymentSnapshot.CreateAsync(infra, "without-user", deployingUserId: null);
    }

    public Task DisposeAsync()
    {
        infra.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class InfrastructureCollection : ICollectionFixture<InfrastructureFixture>
{
    public const string Name = "infrastructure";
}
