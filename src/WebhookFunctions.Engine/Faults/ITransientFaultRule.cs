namespace WebhookFunctions.Engine.Faults;

/// <summary>
/// Recognises the transient faults of one dependency the engine has no reference to: each adapter that brings an SDK
/// registers one (the storage adapter for Azure.RequestFailedException, a Service Bus adapter for
/// ServiceBusException.IsTransient), and <see cref="TransientFaultClassifier"/> asks them all.
/// </summary>
public interface ITransientFaultRule
{
    /// <summary>True when <paramref name="exception"/> says the dependency is unavailable for now, not that the request was wrong.</summary>
    bool IsTransient(Exception exception);
}
