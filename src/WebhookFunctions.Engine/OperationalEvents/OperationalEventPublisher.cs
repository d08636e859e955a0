using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Publishing;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.Engine.Telemetry;

namespace WebhookFunctions.Engine.OperationalEvents;

/// <summary>
/// Raises the service's events about a subscription: disabled, failing, recovered, and dead-lettered deliveries.
/// They are published like any event, without a tenant (they are the operator's), with the subscription's id as
/// subject. The storm rules live here: nothing is raised about a subscription that receives operational events
/// itself; each event's id is derived from what it reports, so a repeat (a retried job) publishes nothing new; and
/// dead-letter events are coalesced per window (<see cref="DeadLetterEventCoalescer"/>). Raising one is best effort:
/// a failure is logged and counted, never allowed to fail or repeat the delivery that caused it.
/// </summary>
public sealed class OperationalEventPublisher : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly PublishService publisher;
    private readonly OperationalEventOptions options;
    private readonly TimeProvider timeProvider;
    private readonly ILogger<OperationalEventPublisher> logger;
    private readonly DeadLetterEventCoalescer coalescer;

    public OperationalEventPublisher(PublishService publisher, IOptions<OperationalEventOptions> options, TimeProvider timeProvider, ILogger<OperationalEventPublisher> logger)
    {
        this.publisher = publisher;
        this.options = options.Value;
        this.timeProvider = timeProvider;
        this.logger = logger;
        coalescer = new DeadLetterEventCoalescer(timeProvider, this.options.DeadLetterEventsPerWindow, this.options.CoalescingWindow, SummaryAsync);
    }

    public Task EndpointDisabledAsync(Subscription disabled, string? eventId, CancellationToken cancellationToken) =>
        RaiseAsync(
            OperationalEventTypes.EndpointDisabled,
            disabled,
            Discriminator(disabled.UpdatedAt),
            Data(disabled) with { EventId = eventId, Reason = disabled.DisabledReason is { } reason ? WireNames.Of(reason) : null },
            cancellationToken);

    public Task EndpointFailingAsync(Subscription subscription, DateTimeOffset failingSince, string eventId, int? statusCode, string? error, CancellationToken cancellationToken) =>
        RaiseAsync(
            OperationalEventTypes.EndpointFailing,
            subscription,
            Discriminator(failingSince),
            Data(subscription) with { EventId = eventId, FailingSince = Timestamps.ToText(failingSince), StatusCode = statusCode, Error = error },
            cancellationToken);

    public Task EndpointRecoveredAsync(Subscription subscription, DateTimeOffset failingSince, string eventId, CancellationToken cancellationToken) =>
        RaiseAsync(
            OperationalEventTypes.EndpointRecovered,
            subscription,
            Discriminator(failingSince),
            Data(subscription) with { EventId = eventId, FailingSince = Timestamps.ToText(failingSince) },
            cancellationToken);

    public Task DeadLetteredAsync(Subscription subscription, DeadLetter deadLetter, CancellationToken cancellationToken)
    {
        if (!ShouldRaiseAbout(subscription) || !coalescer.Admit(subscription, deadLetter))
        {
            return Task.CompletedTask;
        }

        return RaiseAsync(
            OperationalEventTypes.DeliveryDeadLettered,
            subscription,
            deadLetter.EventId + "|" + Discriminator(deadLetter.LastAttemptAt),
            Data(subscription) with
            {
                EventId = deadLetter.EventId,
                EventType = deadLetter.EventType,
                Reason = WireNames.Of(deadLetter.Reason),
                Description = deadLetter.Description,
                Attempts = deadLetter.Attempts,
                StatusCode = deadLetter.LastStatusCode,
                Error = deadLetter.LastError,
                Count = 1,
            },
            cancellationToken);
    }

    public void Dispose() => coalescer.Dispose();

    private Task SummaryAsync(DeadLetterSummary summary) =>
        RaiseAsync(
            OperationalEventTypes.DeliveryDeadLettered,
            summary.Subscription,
            "summary|" + Discriminator(summary.From),
            Data(summary.Subscription) with
            {
                Count = summary.Count,
                Reasons = summary.Reasons.ToDictionary(r => WireNames.Of(r.Key), r => r.Value, StringComparer.Ordinal),
                From = Timestamps.ToText(summary.From),
                Until = Timestamps.ToText(summary.Until),
            },
            CancellationToken.None);

    private async Task RaiseAsync(string type, Subscription about, string discriminator, OperationalEventData data, CancellationToken cancellationToken)
    {
        if (!ShouldRaiseAbout(about))
        {
            return;
        }

        var webhookEvent = new WebhookEvent(
            IdOf(type, about.Id, discriminator),
            type,
            Timestamps.Truncate(timeProvider.GetUtcNow()),
            Subject: about.Id,
            Source: null,
            JsonSerializer.SerializeToUtf8Bytes(data, Json),
            System.Diagnostics.Activity.Current?.Id);
        try
        {
            await publisher.PublishOwnAsync(webhookEvent, cancellationToken);
            WebhookTelemetry.OperationalEvents.Add(1, new KeyValuePair<string, object?>("event.type", type), new KeyValuePair<string, object?>("outcome", "published"));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            WebhookTelemetry.OperationalEvents.Add(1, new KeyValuePair<string, object?>("event.type", type), new KeyValuePair<string, object?>("outcome", "failed"));
            logger.LogError(ex, "Operational event {EventType} about subscription {SubscriptionId} could not be published", type, about.Id);
        }
    }

    private bool ShouldRaiseAbout(Subscription subscription) => options.Enabled && !OperationalEventTypes.ReceivesAny(subscription);

    private static OperationalEventData Data(Subscription subscription) =>
        new() { SubscriptionId = subscription.Id, Url = subscription.Url.ToString(), TenantId = subscription.TenantId };

    private static string Discriminator(DateTimeOffset instant) => instant.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // Ids are derived, not random: the same fact raised twice (a job retried after a crash) is one event.
    private static string IdOf(string type, string subscriptionId, string discriminator) =>
        "op_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{type}|{subscriptionId}|{discriminator}")))[..40];
}
