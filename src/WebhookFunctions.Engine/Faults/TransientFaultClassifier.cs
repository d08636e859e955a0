using System.Net;
using System.Net.Sockets;

namespace WebhookFunctions.Engine.Faults;

/// <summary>
/// Tells a transient fault of our own dependencies (storage or the broker unreachable, throttled, timing out) from
/// everything else (a bug, bad data, a refused request). Only a transient fault earns a fault retry with
/// <see cref="FaultBackoff"/>; anything else takes the transport's ordinary redelivery path, which ends in a dead
/// letter when it keeps failing. The rules that need no SDK live here; each adapter adds its SDK's through
/// <see cref="ITransientFaultRule"/>.
/// </summary>
public sealed class TransientFaultClassifier(IEnumerable<ITransientFaultRule> rules)
{
    private readonly ITransientFaultRule[] rules = rules.ToArray();

    /// <param name="processing">
    /// The token the failed work ran under: a cancellation it asked for is a shutdown, not a fault.
    /// </param>
    public bool IsTransient(Exception exception, CancellationToken processing)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            // An SDK's own network timeout surfaces as a cancellation nobody asked for.
            OperationCanceledException => !processing.IsCancellationRequested,

            // Azure.Core throws one when its own retries are used up ("Retry failed after n tries"): transient when
            // every try failed transiently.
            AggregateException aggregate => aggregate.Flatten().InnerExceptions is { Count: > 0 } inner
                && inner.All(e => IsTransient(e, processing)),
            TimeoutException or SocketException => true,

            // Never a webhook's failure: the sender turns those into results. Only a dependency's HTTP call gets here.
            HttpRequestException http => http.StatusCode is null or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
                or >= HttpStatusCode.InternalServerError,
            _ => rules.Any(rule => rule.IsTransient(exception)),
        };
    }
}
