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
            failures.Add("Storage: set ConnectionString or TableServiceUri.");
        }

        if (options.BlobServiceUri is null && !hasConnectionString)
        {
            failures.Add("Storage: set ConnectionString or BlobServiceUri.");
        }

        if (needsQueues && options.QueueServiceUri is null && !hasConnectionString)
        {
            failures.Add("Storage: set ConnectionString or QueueServiceUri (the self-hosted transport uses Storage queues).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
