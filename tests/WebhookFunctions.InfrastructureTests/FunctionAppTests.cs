using System.Text.RegularExpressions;

namespace WebhookFunctions.InfrastructureTests;

/// <summary>The Functions app is a Flex Consumption .NET 10 isolated app that azd can find and deploy.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed partial class FunctionAppTests(InfrastructureFixture fixture)
{
    private DeploymentSnapshot Snapshot => fixture.WithDeployingUser;

    [Fact]
    public void Runs_on_the_Flex_Consumption_plan()
    {
        var plan = Snapshot.Single("Microsoft.Web/serverfarms");
        var site = Snapshot.Single("Microsoft.Web/sites");

        Assert.Equal("FC1", DeploymentSnapshot.At(plan, "sku.name").GetString());
        Assert.Equal("FlexConsumption", DeploymentSnapshot.At(plan, "sku.tier").GetString());
        Assert.True(DeploymentSnapshot.At(plan, "properties.reserved").GetBoolean());
        Assert.Equal(DeploymentSnapshot.Id(plan), DeploymentSnapshot.At(site, "properties.serverFarmId").GetString());
        Assert.Equal("functionapp,linux", DeploymentSnapshot.At(site, "kind").GetString());
    }

    [Fact]
    public void Runs_dotnet_isolated_10_with_the_default_scale_parameters()
    {
        var site = Snapshot.Single("Microsoft.Web/sites");

        Assert.Equal("dotnet-isolated", DeploymentSnapshot.At(site, "properties.functionAppConfig.runtime.name").GetString());
        Assert.Equal("10.0", DeploymentSnapshot.At(site, "properties.functionAppConfig.runtime.version").GetString());
        Assert.Equal(2048, DeploymentSnapshot.At(site, "properties.functionAppConfig.scaleAndConcurrency.instanceMemoryMB").GetInt32());
        Assert.Equal(100, DeploymentSnapshot.At(site, "properties.functionAppConfig.scaleAndConcurrency.maximumInstanceCount").GetInt32());
    }

    [Fact]
    public void Deploys_from_its_own_blob_container_by_the_app_identity()
    {
        var site = Snapshot.Single("Microsoft.Web/sites");
        var storageId = DeploymentSnapshot.Id(Snapshot.Single("Microsoft.Storage/storageAccounts"));
        var container = Snapshot.Single("Microsoft.Storage/storageAccounts/blobServices/containers");
        var containerName = DeploymentSnapshot.Name(container).Split('/')[^1];
        var identityId = DeploymentSnapshot.Id(Snapshot.Single("Microsoft.ManagedIdentity/userAssignedIdentities"));

        Assert.StartsWith(storageId + "/", DeploymentSnapshot.Id(container), StringComparison.Ordinal);
        Assert.Equal("blobContainer", DeploymentSnapshot.At(site, "properties.functionAppConfig.deployment.storage.type").GetString());
        Assert.Equal(
            $"[format('{{0}}{{1}}', reference('{storageId}', '{DeploymentSnapshot.At(Snapshot.Single("Microsoft.Storage/storageAccounts"), "apiVersion").GetString()}').primaryEndpoints.blob, '{containerName}')]",
            DeploymentSnapshot.At(site, "properties.functionAppConfig.deployment.storage.value").GetString());
        Assert.Equal("UserAssignedIdentity", DeploymentSnapshot.At(site, "properties.functionAppConfig.deployment.storage.authentication.type").GetString());
        Assert.Equal(identityId, DeploymentSnapshot.At(site, "properties.functionAppConfig.deployment.storage.authentication.userAssignedIdentityResourceId").GetString());
    }

    [Fact]
    public void Carries_the_azd_service_tag_of_the_only_service_in_azure_yaml()
    {
        var site = Snapshot.Single("Microsoft.Web/sites");
        var azureYaml = File.ReadAllText(Path.Combine(BicepCli.InfraDirectory, "..", "azure.yaml"));
        var services = AzureYamlService().Matches(azureYaml);

        var service = Assert.Single(services);
        Assert.Equal(service.Groups["name"].Value, DeploymentSnapshot.At(site, "tags.azd-service-name").GetString());
        Assert.Contains("host: function", azureYaml, StringComparison.Ordinal);
        Assert.Contains("language: dotnet", azureYaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Outputs_give_azd_the_endpoint_namespace_and_storage_account()
    {
        var site = Snapshot.Single("Microsoft.Web/sites");
        var outputs = Snapshot.Outputs;

        Assert.Equal($"[format('https://{{0}}', reference('{DeploymentSnapshot.Id(site)}', '{DeploymentSnapshot.At(site, "apiVersion").GetString()}').defaultHostName)]", outputs["SERVICE_API_URI"]);
        Assert.Equal(DeploymentSnapshot.Name(Snapshot.Single("Microsoft.ServiceBus/namespaces")), outputs["SERVICEBUS_NAMESPACE_NAME"]);
        Assert.Equal(DeploymentSnapshot.Name(Snapshot.Single("Microsoft.Storage/storageAccounts")), outputs["AZURE_STORAGE_ACCOUNT_NAME"]);
        Assert.Equal(DeploymentSnapshot.Name(site), outputs["SERVICE_API_NAME"]);
        Assert.Equal(DeploymentSnapshot.Name(Snapshot.Single("Microsoft.Resources/resourceGroups")), outputs["AZURE_RESOURCE_GROUP"]);
        foreach (var appSetting in new[] { "ServiceBusConnection__fullyQualifiedNamespace", "Storage__TableServiceUri", "Storage__BlobServiceUri" })
        {
            Assert.Contains(appSetting, outputs.Keys);
        }
    }

    // A service is a two-space-indented key under `services:`.
    [GeneratedRegex(@"(?<=^services:\s*\n(?:(?:  .*|\s*)\n)*?)^  (?<name>[A-Za-z0-9-]+):\s*$", RegexOptions.Multiline)]
    private static partial Regex AzureYamlService();
}
