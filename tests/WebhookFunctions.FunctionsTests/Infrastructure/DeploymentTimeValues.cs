using System.Text.Json.Nodes;

namespace WebhookFunctions.FunctionsTests.Infrastructure;

/// <summary>
/// What <c>reference()</c> returns at deployment for the resources infra/ creates: the documented shapes of their
/// runtime properties (endpoints, client ids), with this deployment's names. A resource type or property not listed
/// fails the evaluation, so a new app setting fed from somewhere new is noticed.
/// </summary>
internal static class DeploymentTimeValues
{
    public const string IdentityClientId = "5f1d5a8e-0000-4000-8000-00000000c11d";
    public const string ApplicationInsightsInstrumentationKey = "0a7b2c3d-0000-4000-8000-0000000000a1";

    public static JsonObject Reference(string resourceId)
    {
        var (type, name) = Parse(resourceId);
        return type switch
        {
            "Microsoft.ManagedIdentity/userAssignedIdentities" => new JsonObject
            {
                ["clientId"] = IdentityClientId,
                ["principalId"] = "5f1d5a8e-0000-4000-8000-00000000b1d0",
            },
            "Microsoft.ServiceBus/namespaces" => new JsonObject
            {
                ["serviceBusEndpoint"] = $"https://{name}.servicebus.windows.net:443/",
            },
            "Microsoft.Storage/storageAccounts" => new JsonObject
            {
                ["primaryEndpoints"] = new JsonObject
                {
                    ["blob"] = $"https://{name}.blob.core.windows.net/",
                    ["table"] = $"https://{name}.table.core.windows.net/",
                    ["queue"] = $"https://{name}.queue.core.windows.net/",
                },
            },
            "Microsoft.Insights/components" => new JsonObject
            {
                ["ConnectionString"] = $"InstrumentationKey={ApplicationInsightsInstrumentationKey};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/;LiveEndpoint=https://westeurope.livediagnostics.monitor.azure.com/",
            },
            _ => throw new NotSupportedException($"No deployment-time values for {type} ({resourceId}); add them here."),
        };
    }

    /// <summary>The type (namespace/type) and name of a top-level resource id.</summary>
    private static (string Type, string Name) Parse(string resourceId)
    {
        var segments = resourceId.Split("/providers/", 2)[1].Split('/');
        return ($"{segments[0]}/{segments[1]}", segments[2]);
    }
}
