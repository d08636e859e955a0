using System.Text.Json;

namespace WebhookFunctions.InfrastructureTests;

/// <summary>
/// What ARM would deploy from infra/main.bicep: the compiled template evaluated by <c>bicep snapshot</c> for fixed
/// parameters, with every module expanded and every resource id, name and property resolved. Values only known at
/// deployment time (another resource's principal id, endpoint or connection string) stay <c>[reference(...)]</c>
/// expressions naming the resource they come from.
/// </summary>
internal sealed class DeploymentSnapshot
{
    public const string SubscriptionId = "00000000-0000-0000-0000-0000000000aa";
    public const string TenantId = "00000000-0000-0000-0000-0000000000bb";
    public const string Location = "westeurope";
    public const string EnvironmentName = "ci";
    public const string DeployingUserId = "11111111-2222-3333-4444-555555555555";

    private DeploymentSnapshot(BicepRun run, JsonElement root)
    {
        Run = run;
        Resources = root.GetProperty("predictedResources").EnumerateArray().ToList();
        Outputs = root.GetProperty("outputs").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
    }

    public BicepRun Run { get; }

    public IReadOnlyList<JsonElement> Resources { get; }

    public IReadOnlyDictionary<string, string> Outputs { get; }

    /// <summary>Evaluates the templates in <paramref name="infra"/>; fails when the CLI rejects them or the parameters.</summary>
    public static async Task<DeploymentSnapshot> CreateAsync(
        InfraCopy infra, string name, string? deployingUserId, string? principalType = null, string location = Location)
    {
        var run = await RunAsync(infra, name, deployingUserId, principalType, location);
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep snapshot failed: {run}");
        }

        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(infra.PathOf($"{name}.snapshot.json")));
        return new DeploymentSnapshot(run, document.RootElement.Clone());
    }

    /// <summary>Runs <c>bicep snapshot</c> for these parameters and returns the run, whatever its outcome.</summary>
    public static async Task<BicepRun> RunAsync(
        InfraCopy infra, string name, string? deployingUserId, string? principalType = null, string location = Location)
    {
        var parametersFile = $"{name}.bicepparam";
        var principal = deployingUserId is null ? "" : $"param principalId = '{deployingUserId}'\n";
        var type = principalType is null ? "" : $"param principalType = '{principalType}'\n";
        await File.WriteAllTextAsync(
            infra.PathOf(parametersFile),
            $"using 'main.bicep'\nparam environmentName = '{EnvironmentName}'\nparam location = '{location}'\n{principal}{type}");

        return await BicepCli.RunAsync(
            infra.Directory, "snapshot", parametersFile, "--mode", "overwrite",
            "--subscription-id", SubscriptionId, "--tenant-id", TenantId, "--location", location);
    }

    public IEnumerable<JsonElement> OfType(string type) =>
        Resources.Where(r => string.Equals(r.GetProperty("type").GetString(), type, StringComparison.OrdinalIgnoreCase));

    /// <summary>The one resource of a type; fails the test when there are none or several.</summary>
    public JsonElement Single(string type) => Assert.Single(OfType(type));

    public static string Id(JsonElement resource) => resource.GetProperty("id").GetString()!;

    public static string Name(JsonElement resource) => resource.GetProperty("name").GetString()!;

    /// <summary>A value by dotted path (<c>properties.siteConfig.minTlsVersion</c>); fails the test when absent.</summary>
    public static JsonElement At(JsonElement resource, string path)
    {
        var current = resource;
        foreach (var segment in path.Split('.'))
        {
            Assert.True(
                current.ValueKind == JsonValueKind.Object && current.TryGetProperty(segment, out current),
                $"{Id(resource)} has no {path}.");
        }

        return current;
    }

    /// <summary>Whether a value is ARM's deployment-time read of one property of the resource with this id.</summary>
    public static bool IsReferenceTo(string? value, string resourceId, string property) =>
        value is not null
        && value.StartsWith($"[reference('{resourceId}', '", StringComparison.OrdinalIgnoreCase)
        && value.EndsWith($").{property}]", StringComparison.Ordinal);
}
