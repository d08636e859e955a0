using Azure.Core;
using Azure.Core.Pipeline;

namespace WebhookFunctions.Storage;

/// <summary>
/// An extra HTTP pipeline policy for every table, queue and blob client the storage adapters create, e.g. to count
/// or meter storage requests. Register any number as singletons before the clients are first resolved.
/// </summary>
/// <param name="Position">PerRetry (the default) sees every request actually sent, retries included.</param>
public sealed record StoragePipelinePolicy(HttpPipelinePolicy Policy, HttpPipelinePosition Position = HttpPipelinePosition.PerRetry)
{
    internal void AddTo(ClientOptions options) => options.AddPolicy(Policy, Position);
}
