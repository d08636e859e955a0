using Microsoft.Extensions.Logging;

namespace WebhookFunctions.Storage.Development;

/// <summary>Starts Azurite from the repository's node_modules when development storage is configured and nothing listens on its ports.</summary>
public sealed class AzuriteLauncher : IAsyncDisposable
{
    /// <summary>
    /// Null when <paramref name="connectionString"/> is not development storage or Azurite already listens;
    /// otherwise a running Azurite (data under <paramref name="dataDirectory"/>, or in memory when null) that stops on dispose.
    /// </summary>
    public static Task<AzuriteLauncher?> StartIfNeededAsync(string? connectionString, string? dataDirectory, ILogger logger, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask DisposeAsync() => throw new NotImplementedException();
}
