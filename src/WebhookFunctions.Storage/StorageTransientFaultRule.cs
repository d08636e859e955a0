using Azure;
using WebhookFunctions.Engine.Faults;

namespace WebhookFunctions.Storage;

/// <summary>
/// Storage's transient faults, as every Azure SDK HTTP client reports them: status 0 (no answer: the transport
/// failed, Azure.Core wraps the HttpRequestException), 408, 429 (throttled; Storage also answers 503 ServerBusy) and
/// 5xx. Any other status means the request itself was refused (404, 409, 412, 403...), which waiting does not change.
/// </summary>
internal sealed class StorageTransientFaultRule : ITransientFaultRule
{
    public bool IsTransient(Exception exception) =>
        exception is RequestFailedException { Status: 0 or 408 or 429 or >= 500 };
}
