using WebhookFunctions.Storage;
using WebhookFunctions.Development;

namespace WebhookFunctions.SelfHosted;

/// <summary>
/// Starts Azurite (from the repository's node_modules) when development storage is configured and nothing listens
/// yet, in Development or when Azurite:AutoStart is true; it runs before every other hosted service starts and stops
/// after they all stopped. Any other environment never starts a storage emulator by itself.
/// </summary>
internal sealed class AzuriteHostedService(IConfiguration configuration, IHostEnvironment environment, ILogger<AzuriteHostedService> logger)
    : IHostedLifecycleService, IAsyncDisposable
{
    private AzuriteLauncher? azurite;

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment() && !configuration.GetValue<bool>("Azurite:AutoStart"))
        {
            return;
        }

        var storage = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        azurite = await AzuriteLauncher.StartIfNeededAsync(storage.ConnectionString, DataDirectory(), logger, cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => DisposeAsync().AsTask();

    public async ValueTask DisposeAsync()
    {
        var azurite = Interlocked.Exchange(ref this.azurite, null);
        if (azurite is not null)
        {
            await azurite.DisposeAsync();
        }
    }

    /// <summary>Azurite:DataDirectory, else .azurite at the repository root (git-ignored), else in memory.</summary>
    private string? DataDirectory()
    {
        if (configuration["Azurite:DataDirectory"] is { Length: > 0 } configured)
        {
            return configured;
        }

        for (var directory = new DirectoryInfo(environment.ContentRootPath); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "WebhookFunctions.sln")))
            {
                return Path.Combine(directory.FullName, ".azurite");
            }
        }

        return null;
    }
}
