using System.Diagnostics;
using Azure.Data.Tables;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WebhookFunctions.FunctionsTests.Infrastructure;

namespace WebhookFunctions.FunctionsTests.Startup;

/// <summary>
/// The app's real start-up (Program → FunctionsApp.Build) with the settings `azd up` deploys and with the ones
/// `func start` runs with: every function class the host will ask for can be created, and the clients point where
/// the settings say.
/// </summary>
[Collection(DeployedAppCollection.Name)]
public sealed class StartupTests(DeployedAppFixture fixture)
{
    private IReadOnlyDictionary<string, string?> Deployed => fixture.App.AppSettings;

    [Fact]
    public void With_the_settings_azd_deploys_every_function_class_is_created()
    {
        using var app = AppSettings.BuildApp(Deployed);

        var created = FunctionClassResolution.CreateEach(app.Services);

        Assert.Equal(FunctionClassResolution.ClassesInMetadata(), created.Select(instance => instance.GetType()));
    }

    [Fact]
    public void With_the_settings_azd_deploys_the_app_reaches_the_namespace_and_storage_account_infra_creates_by_identity()
    {
        using var app = AppSettings.BuildApp(Deployed);

        Assert.Equal($"{fixture.App.ServiceBusNamespace}.servicebus.windows.net", app.Services.GetRequiredService<ServiceBusClient>().FullyQualifiedNamespace);
        Assert.Equal(new Uri($"https://{fixture.App.StorageAccount}.table.core.windows.net/"), app.Services.GetRequiredService<TableServiceClient>().Uri);
        Assert.Equal(new Uri($"https://{fixture.App.StorageAccount}.blob.core.windows.net/"), app.Services.GetRequiredService<BlobServiceClient>().Uri);
        Assert.DoesNotContain(Deployed, setting => setting.Key.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase) && setting.Key.StartsWith("Storage", StringComparison.Ordinal));
    }

    [Fact]
    public void With_local_settings_sample_every_function_class_is_created_and_service_bus_is_the_emulator()
    {
        using var app = AppSettings.BuildApp(AppSettings.LocalSettingsSample());

        var created = FunctionClassResolution.CreateEach(app.Services);

        Assert.Equal(FunctionClassResolution.ClassesInMetadata(), created.Select(instance => instance.GetType()));
        Assert.Equal("localhost", app.Services.GetRequiredService<ServiceBusClient>().FullyQualifiedNamespace);
    }

    public static TheoryData<string> RequiredDeployedSettings() =>
        ["ServiceBusConnection__fullyQualifiedNamespace", "Storage__TableServiceUri", "Storage__BlobServiceUri"];

    [Theory]
    [MemberData(nameof(RequiredDeployedSettings))]
    public void Without_a_required_deployed_setting_start_up_fails_with_one_line_naming_it(string setting)
    {
        var failure = Assert.ThrowsAny<Exception>(() => AppSettings.BuildApp(Deployed.Without(setting)).Dispose());

        AssertOneLineNaming(failure, setting);
    }

    [Theory]
    [InlineData("ServiceBusConnection")]
    [InlineData("Storage__ConnectionString")]
    public void Without_a_required_local_setting_start_up_fails_with_one_line_naming_it(string setting)
    {
        var failure = Assert.ThrowsAny<Exception>(() => AppSettings.BuildApp(AppSettings.LocalSettingsSample().Without(setting)).Dispose());

        AssertOneLineNaming(failure, setting);
    }

    [Fact]
    public void An_invalid_setting_fails_start_up_with_the_options_message()
    {
        var failure = Assert.Throws<OptionsValidationException>(() => AppSettings.BuildApp(
            AppSettings.LocalSettingsSample().With(new Dictionary<string, string?> { ["Delivery__Jitter"] = "5" })).Dispose());

        Assert.Contains("Jitter", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_worker_process_refuses_to_start_without_a_required_setting_and_says_which()
    {
        var worker = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "WebhookFunctions.Functions.dll") },
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var (name, value) in AppSettings.LocalSettingsSample().Without("ServiceBusConnection"))
        {
            worker.Environment[name] = value;
        }

        using var process = Process.Start(worker)!;
        var standardError = process.StandardError.ReadToEndAsync();
        var standardOutput = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(1, process.ExitCode);
        var error = Assert.Single((await standardError).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("Configuration error: ", error, StringComparison.Ordinal);
        Assert.Contains("ServiceBusConnection", error, StringComparison.Ordinal);
        await standardOutput;
    }

    private static void AssertOneLineNaming(Exception failure, string setting)
    {
        Assert.True(failure is OptionsValidationException or InvalidOperationException, $"Start-up failed with {failure}");
        Assert.Contains(setting, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure.Message);
    }
}
