using System.Diagnostics.CodeAnalysis;
using Microsoft.Azure.Functions.Worker;
using WebhookFunctions.Engine.Retention;

namespace WebhookFunctions.Functions.Maintenance;

/// <summary>Removes expired records on a timer; the engine's <see cref="RetentionSweeper"/> does the work, bounded per run.</summary>
public sealed class RetentionSweepFunction(RetentionSweeper sweeper)
{
    /// <summary>Every ten minutes (NCRONTAB, with seconds). The timer's singleton lock keeps runs from overlapping; overlap would be safe anyway.</summary>
    public const string Schedule = "0 */10 * * * *";

    [Function("RetentionSweep")]
    [SuppressMessage("Style", "IDE0060:Remove unused parameter", Justification = "The trigger binds to this parameter; the sweep needs nothing from it.")]
    public Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken) =>
        sweeper.SweepAsync(cancellationToken);
}
