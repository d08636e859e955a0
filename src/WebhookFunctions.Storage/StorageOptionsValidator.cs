using Microsoft.Extensions.Options;

namespace WebhookFunctions.Storage;

/// <summary>Every storage service in use needs an endpoint: its service URI or the connection string.</summary>
internal sealed class StorageOptionsValidator(bool needsQueues) : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        var hasConnectionString = !string.IsNullOrWhiteSpace(options.ConnectionString);
        if (options.TableServiceUri is null && !hasConnectionString)
        {
            failures.Add(Missing(nameof(StorageOptions.TableServiceUri)));
        }

        if (options.BlobServiceUri is null && !hasConnectionString)
        {
            failures.Add(Missing(nameof(StorageOptions.BlobServiceUri)));
        }

        if (needsQueues && options.QueueServiceUri is null && !hasConnectionString)
        {
            failures.Add(Missing(nameof(StorageOptions.QueueServiceUri)) + " The self-hosted transport uses Storage queues.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Names both settings as configuration keys and as the environment variables (app settings) that set them.</summary>
    private static string Missing(string serviceUri) =>
        $"Storage is not configured: set Storage:{serviceUri} (app setting Storage__{serviceUri}, managed identity) or Storage:ConnectionString (Storage__ConnectionString).";
}
