using System.Text.Json;
using System.Text.RegularExpressions;

namespace WebhookFunctions.InfrastructureTests;

/// <summary>The security properties that matter, read from what the templates would deploy.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed partial class SecurityPropertiesTests(InfrastructureFixture fixture)
{
    private DeploymentSnapshot Snapshot => fixture.WithDeployingUser;

    [Fact]
    public void Storage_accepts_Entra_ID_only_over_HTTPS_with_TLS_1_2()
    {
        var accounts = Snapshot.OfType("Microsoft.Storage/storageAccounts").ToList();

        Assert.NotEmpty(accounts);
        Assert.All(accounts, account =>
        {
            Assert.False(DeploymentSnapshot.At(account, "properties.allowSharedKeyAccess").GetBoolean());
            Assert.True(DeploymentSnapshot.At(account, "properties.supportsHttpsTrafficOnly").GetBoolean());
            Assert.Equal("TLS1_2", DeploymentSnapshot.At(account, "properties.minimumTlsVersion").GetString());
            Assert.False(DeploymentSnapshot.At(account, "properties.allowBlobPublicAccess").GetBoolean());
        });
    }

    [Fact]
    public void Service_Bus_disables_local_auth_and_requires_TLS_1_2()
    {
        var namespaces = Snapshot.OfType("Microsoft.ServiceBus/namespaces").ToList();

        Assert.NotEmpty(namespaces);
        Assert.All(namespaces, ns =>
        {
            Assert.True(DeploymentSnapshot.At(ns, "properties.disableLocalAuth").GetBoolean());
            Assert.Equal("1.2", DeploymentSnapshot.At(ns, "properties.minimumTlsVersion").GetString());
        });
    }

    [Fact]
    public void Function_app_is_HTTPS_only_with_TLS_1_2()
    {
        var site = Snapshot.Single("Microsoft.Web/sites");

        Assert.True(DeploymentSnapshot.At(site, "properties.httpsOnly").GetBoolean());
        Assert.Equal("1.2", DeploymentSnapshot.At(site, "properties.siteConfig.minTlsVersion").GetString());
    }

    [Fact]
    public void Application_Insights_accepts_only_Entra_ID_authenticated_telemetry()
    {
        var component = Snapshot.Single("Microsoft.Insights/components");

        Assert.True(DeploymentSnapshot.At(component, "properties.DisableLocalAuth").GetBoolean());
    }

    [Fact]
    public void Templates_never_read_a_key_SAS_or_connection_string_from_a_resource()
    {
        // listKeys, listConnectionStrings, listAccountSas, listServiceSas, listSecrets...: every ARM way to read a secret.
        Assert.NotEmpty(fixture.CompiledTemplate);
        Assert.DoesNotMatch(ListFunctionCall(), fixture.CompiledTemplate);
    }

    [Fact]
    public void App_settings_hold_no_keys_or_connection_strings()
    {
        var settings = AppSettings();
        var applicationInsights = Snapshot.Single("Microsoft.Insights/components");

        Assert.NotEmpty(settings);
        Assert.DoesNotContain("AzureWebJobsStorage", settings.Keys);
        Assert.DoesNotContain("ServiceBusConnection", settings.Keys);
        Assert.All(settings, setting =>
        {
            Assert.DoesNotMatch(SecretMaterial(), setting.Value);
            Assert.DoesNotMatch(ListFunctionCall(), setting.Value);
            if (setting.Key.Contains("CONNECTION_STRING", StringComparison.OrdinalIgnoreCase)
                || setting.Key.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase))
            {
                // The one connection string allowed names the Application Insights resource; with local auth disabled
                // on it, its instrumentation key grants nothing.
                Assert.Equal("APPLICATIONINSIGHTS_CONNECTION_STRING", setting.Key);
                Assert.True(
                    DeploymentSnapshot.IsReferenceTo(setting.Value, DeploymentSnapshot.Id(applicationInsights), "ConnectionString"),
                    setting.Value);
                Assert.True(DeploymentSnapshot.At(applicationInsights, "properties.DisableLocalAuth").GetBoolean());
            }
        });
    }

    [Fact]
    public void App_settings_connect_every_dependency_by_the_app_identity()
    {
        var settings = AppSettings();
        var identityId = DeploymentSnapshot.Id(Snapshot.Single("Microsoft.ManagedIdentity/userAssignedIdentities"));
        var storage = Snapshot.Single("Microsoft.Storage/storageAccounts");
        var serviceBusId = DeploymentSnapshot.Id(Snapshot.Single("Microsoft.ServiceBus/namespaces"));
        var site = Snapshot.Single("Microsoft.Web/sites");

        Assert.Equal([identityId], DeploymentSnapshot.At(site, "identity.userAssignedIdentities").EnumerateObject().Select(p => p.Name));
        Assert.Equal("UserAssigned", DeploymentSnapshot.At(site, "identity.type").GetString());

        Assert.Equal(DeploymentSnapshot.Name(storage), settings["AzureWebJobsStorage__accountName"]);
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        Assert.Equal("managedidentity", settings["ServiceBusConnection__credential"]);
        foreach (var clientIdSetting in new[] { "AzureWebJobsStorage__clientId", "ServiceBusConnection__clientId", "Storage__ManagedIdentityClientId" })
        {
            Assert.True(DeploymentSnapshot.IsReferenceTo(settings[clientIdSetting], identityId, "clientId"), $"{clientIdSetting}: {settings[clientIdSetting]}");
        }

        Assert.Contains($"reference('{serviceBusId}', ", settings["ServiceBusConnection__fullyQualifiedNamespace"], StringComparison.Ordinal);
        Assert.Contains(").serviceBusEndpoint", settings["ServiceBusConnection__fullyQualifiedNamespace"], StringComparison.Ordinal);
        Assert.True(DeploymentSnapshot.IsReferenceTo(settings["Storage__TableServiceUri"], DeploymentSnapshot.Id(storage), "primaryEndpoints.table"));
        Assert.True(DeploymentSnapshot.IsReferenceTo(settings["Storage__BlobServiceUri"], DeploymentSnapshot.Id(storage), "primaryEndpoints.blob"));
        Assert.StartsWith("[format('ClientId={0};Authorization=AAD', reference('" + identityId + "', ", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"], StringComparison.Ordinal);
        Assert.EndsWith(").clientId)]", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"], StringComparison.Ordinal);
    }

    private Dictionary<string, string> AppSettings()
    {
        var config = Assert.Single(
            Snapshot.OfType("Microsoft.Web/sites/config"),
            c => DeploymentSnapshot.Name(c).EndsWith("/appsettings", StringComparison.Ordinal));
        return DeploymentSnapshot.At(config, "properties").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText());
    }

    [GeneratedRegex(@"\blist[A-Za-z]*\(", RegexOptions.IgnoreCase)]
    private static partial Regex ListFunctionCall();

    [GeneratedRegex(@"AccountKey=|SharedAccessKey|SharedAccessSignature|[?&]sig=|Password=|InstrumentationKey=", RegexOptions.IgnoreCase)]
    private static partial Regex SecretMaterial();
}
