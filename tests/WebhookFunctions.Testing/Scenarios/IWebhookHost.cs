namespace WebhookFunctions.Testing.Scenarios;

/// <summary>
/// The port the delivery scenarios run against: one host of the HTTP contract both hosts serve (the same routes under /api),
/// running with <see cref="ScenarioSettings"/> and able to reach receivers on this machine's loopback.
/// </summary>
public interface IWebhookHost
{
    /// <summary>Sends one request of the contract, with the host's key, and returns the response as written.</summary>
    Task<ContractResponse> SendAsync(ContractRequest request);

    /// <summary>
    /// Returns once the host holds no message it has yet to handle, so that a delivery that has not come will not come.
    /// A host that cannot tell waits a quiet period that it documents.
    /// </summary>
    Task WaitUntilIdleAsync();
}
