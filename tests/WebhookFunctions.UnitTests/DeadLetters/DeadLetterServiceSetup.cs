using Microsoft.Extensions.Logging.Abstractions;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.Testing.Engine;
using WebhookFunctions.UnitTests.Fakes;

namespace WebhookFunctions.UnitTests.DeadLetters;

/// <summary>
/// The dead-letter service over in-memory stores holding subscriptions sub_a and sub_b (for order.*) and the
/// order.created events evt_1 to evt_4 and evt_9, three days old; dead letters are added per test.
/// </summary>
internal sealed class DeadLetterServiceSetup
{
    public static readonly DateTimeOffset Now = new(2026, 11, 24, 6, 0, 0, TimeSpan.Zero);

    public DeadLetterServiceSetup()
    {
        Service = ServiceOver(Transport);
        foreach (var subscriptionId in new[] { "sub_a", "sub_b" })
        {
            Subscriptions.AddAsync(SubscriptionOf(subscriptionId), CancellationToken.None).GetAwaiter().GetResult();
        }

        foreach (var eventId in new[] { "evt_1", "evt_2", "evt_3", "evt_4", "evt_9" })
        {
            Events.Items[eventId] = new WebhookEvent(eventId, "order.created", Now.AddDays(-3), null, null, "{}"u8.ToArray(), null);
        }
    }

    public InMemoryDeadLetterStore Store { get; } = new();

    public RecordingTransport Transport { get; } = new();

    public InMemorySubscriptionStore Subscriptions { get; } = new();

    public InMemoryEventStore Events { get; } = new();

    public DeadLetterService Service { get; }

    /// <summary>The service with another events queue (the delivery queue stays <see cref="Transport"/>).</summary>
    public DeadLetterService ServiceOver(IEventQueue eventQueue) =>
        new(Store, Subscriptions, Events, Transport, eventQueue, NullLogger<DeadLetterService>.Instance);

    public static Subscription SubscriptionOf(string id) => new()
    {
        Id = id,
        Url = new Uri($"https://{id}.example/hook"),
        EventTypes = ["order.*"],
        Secrets = [new SigningSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", null)],
        CreatedAt = Now.AddDays(-7),
        UpdatedAt = Now.AddDays(-7),
    };

    public static DeadLetter DeadLetterOf(string eventId, string subscriptionId, string? tenantId = null) =>
        new(eventId, subscriptionId, "order.created", DeadLetterReason.MaxAttemptsExceeded, "gave up", 10, Now.AddDays(-3), Now, 500, null, null, TenantId: tenantId);
}
