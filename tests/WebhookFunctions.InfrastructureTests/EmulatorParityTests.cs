using System.Globalization;
using System.Text.Json;
using System.Xml;

namespace WebhookFunctions.InfrastructureTests;

/// <summary>
/// The Service Bus emulator's Config.json (what `func start` runs against) declares the same entities as the Bicep
/// (what Azure runs), with the same settings: every setting the emulator file names is compared with the deployed
/// value, entity by entity, so a behaviour seen locally (a duplicate notice dropped, a lock of one minute) is the one
/// Azure has.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class EmulatorParityTests(InfrastructureFixture fixture)
{
    /// <summary>
    /// Service Bus's values for properties a template leaves out (Microsoft.ServiceBus 2024-01-01 REST reference), so
    /// that an emulator setting equal to the default needs no line in the Bicep.
    /// </summary>
    private static readonly Dictionary<string, string> AzureDefaults = new(StringComparer.Ordinal)
    {
        ["requiresDuplicateDetection"] = "false",
        ["requiresSession"] = "false",
        ["deadLetteringOnMessageExpiration"] = "false",
        ["duplicateDetectionHistoryTimeWindow"] = "PT10M",
        ["lockDuration"] = "PT1M",
        ["maxDeliveryCount"] = "10",
        ["forwardTo"] = "",
        ["forwardDeadLetteredMessagesTo"] = "",
    };

    /// <summary>The emulator refuses a time-to-live above one hour; Azure keeps messages for days. The only allowed difference.</summary>
    private static readonly TimeSpan EmulatorMaximumTimeToLive = TimeSpan.FromHours(1);

    private const string TimeToLive = "defaultMessageTimeToLive";

    [Fact]
    public void The_emulator_and_Bicep_declare_the_same_queues_topics_and_subscriptions()
    {
        var emulator = EmulatorEntities();
        var azure = BicepEntities(fixture.WithDeployingUser);

        Assert.NotEmpty(emulator);
        Assert.Equal(emulator.Keys.Order(StringComparer.Ordinal), azure.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_setting_the_emulator_declares_has_the_same_value_in_Bicep()
    {
        var mismatches = Mismatches(EmulatorEntities(), BicepEntities(fixture.WithDeployingUser));

        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches));
    }

    [Fact]
    public async Task A_topic_without_duplicate_detection_in_Bicep_is_a_mismatch()
    {
        using var infra = InfraCopy.Create();
        infra.Edit("app/servicebus.bicep", "requiresDuplicateDetection: true", "requiresDuplicateDetection: false");
        var snapshot = await DeploymentSnapshot.CreateAsync(infra, "no-duplicate-detection", deployingUserId: null);

        var mismatches = Mismatches(EmulatorEntities(), BicepEntities(snapshot));

        Assert.Equal(["topic events requiresDuplicateDetection: emulator true, Azure false"], mismatches);
    }

    /// <summary>Every emulator setting whose deployed value differs, as "entity setting: emulator x, Azure y".</summary>
    private static List<string> Mismatches(
        Dictionary<string, Dictionary<string, string>> emulator, Dictionary<string, JsonElement> azure)
    {
        var mismatches = new List<string>();
        foreach (var (entity, settings) in emulator)
        {
            Assert.True(azure.TryGetValue(entity, out var deployed), $"{entity} is not in the Bicep.");
            foreach (var (name, emulatorValue) in settings)
            {
                if (name == "duplicateDetectionHistoryTimeWindow" && settings.GetValueOrDefault("requiresDuplicateDetection") != "true")
                {
                    continue; // The window means nothing while detection is off.
                }

                var azureValue = ValueOf(deployed, name);
                var same = name == TimeToLive
                    // A value above the emulator's cap cannot be written in Config.json: the emulator must sit at the cap.
                    ? Duration(emulatorValue) == EmulatorMaximumTimeToLive && Duration(azureValue) >= EmulatorMaximumTimeToLive
                    : SameValue(emulatorValue, azureValue);
                if (!same)
                {
                    mismatches.Add($"{entity} {name}: emulator {emulatorValue}, Azure {azureValue}");
                }
            }
        }

        return mismatches;
    }

    /// <summary>Entities of the emulator file, keyed "queue x", "topic x", "subscription x/y", with their settings by ARM name.</summary>
    private static Dictionary<string, Dictionary<string, string>> EmulatorEntities()
    {
        var path = Path.Combine(BicepCli.InfraDirectory, "..", "tools", "servicebus-emulator", "Config.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var ns = Assert.Single(document.RootElement.GetProperty("UserConfig").GetProperty("Namespaces").EnumerateArray());
        var entities = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);

        foreach (var queue in ns.GetProperty("Queues").EnumerateArray())
        {
            entities[$"queue {queue.GetProperty("Name").GetString()}"] = Settings(queue);
        }

        foreach (var topic in ns.GetProperty("Topics").EnumerateArray())
        {
            var topicName = topic.GetProperty("Name").GetString();
            entities[$"topic {topicName}"] = Settings(topic);
            foreach (var subscription in topic.GetProperty("Subscriptions").EnumerateArray())
            {
                entities[$"subscription {topicName}/{subscription.GetProperty("Name").GetString()}"] = Settings(subscription);
            }
        }

        return entities;
    }

    private static Dictionary<string, string> Settings(JsonElement entity) =>
        entity.TryGetProperty("Properties", out var properties)
            ? properties.EnumerateObject().ToDictionary(p => char.ToLowerInvariant(p.Name[0]) + p.Name[1..], p => Text(p.Value), StringComparer.Ordinal)
            : [];

    /// <summary>Entities the templates deploy, keyed like <see cref="EmulatorEntities"/>, with their properties.</summary>
    private static Dictionary<string, JsonElement> BicepEntities(DeploymentSnapshot snapshot)
    {
        var entities = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (type, kind) in new[]
        {
            ("Microsoft.ServiceBus/namespaces/queues", "queue"),
            ("Microsoft.ServiceBus/namespaces/topics", "topic"),
            ("Microsoft.ServiceBus/namespaces/topics/subscriptions", "subscription"),
        })
        {
            foreach (var resource in snapshot.OfType(type))
            {
                var path = DeploymentSnapshot.Name(resource).Split('/', 2)[1]; // Without the namespace.
                entities[$"{kind} {path}"] = resource.TryGetProperty("properties", out var properties) ? properties : default;
            }
        }

        return entities;
    }

    private static string ValueOf(JsonElement properties, string name) =>
        properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(name, out var value)
            ? Text(value)
            : AzureDefaults.TryGetValue(name, out var fallback)
                ? fallback
                : throw new Xunit.Sdk.XunitException($"The Bicep sets no {name} and the test knows no Azure default for it.");

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => value.GetInt64().ToString(CultureInfo.InvariantCulture),
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Null => "",
        _ => value.GetRawText(),
    };

    private static bool SameValue(string emulator, string azure) =>
        string.Equals(emulator, azure, StringComparison.OrdinalIgnoreCase)
        || (TryDuration(emulator, out var left) && TryDuration(azure, out var right) && left == right);

    private static TimeSpan Duration(string value) =>
        TryDuration(value, out var duration) ? duration : throw new Xunit.Sdk.XunitException($"'{value}' is not a duration.");

    /// <summary>ISO 8601 (PT1M, as both files write it) or .NET's 00:01:00, which ARM also accepts.</summary>
    private static bool TryDuration(string value, out TimeSpan duration)
    {
        if (value.StartsWith('P'))
        {
            try
            {
                duration = XmlConvert.ToTimeSpan(value);
                return true;
            }
            catch (FormatException)
            {
            }
        }

        return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out duration);
    }
}
