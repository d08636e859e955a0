using WebhookFunctions.Storage;
using WebhookFunctions.Testing.SelfHosted;

namespace WebhookFunctions.Benchmarks.Infrastructure;

/// <summary>
/// The test kit's in-process server, over the benchmark's Azurite, with its storage requests counted. Production
/// defaults everywhere except what lets it deliver to 127.0.0.1 and quieter logs.
/// </summary>
internal static class BenchServer
{
    /// <param name="namePrefix">The storage name prefix to run on (e.g. tables seeded beforehand); a fresh one when null.</param>
    /// <param name="overrides">Settings a section tunes on top of the production defaults.</param>
    public static Task<RunningServer> StartAsync(
        string storageConnectionString, StorageOperationCounter counter, string? namePrefix = null, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>(ServerSettings.LoopbackDelivery)
        {
            ["Storage:NamePrefix"] = namePrefix ?? ServerSettings.FreshNamePrefix(),
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return RunningServer.StartOnStorageAsync(settings, storageConnectionString, builder => builder.Services.AddSingleton(new StoragePipelinePolicy(counter)));
    }
}
