using WebhookFunctions.Engine.Events;
using WebhookFunctions.Testing.Engine;

namespace WebhookFunctions.ServiceBusTests.Doubles;

/// <summary>The in-memory event store, whose reads throw what <see cref="FailWith"/> makes while it is set: a storage outage as the delivery handler meets it.</summary>
internal sealed class FailingEventStore(InMemoryEventStore inner) : IEventStore
{
    public Func<Exception>? FailWith { get; set; }

    public Task<bool> TryAddAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken) => inner.TryAddAsync(webhookEvent, cancellationToken);

    public Task<WebhookEvent?> GetAsync(string eventId, CancellationToken cancellationToken) =>
        FailWith is { } fail ? Task.FromException<WebhookEvent?>(fail()) : inner.GetAsync(eventId, cancellationToken);

    public Task MarkNoticeQueuedAsync(string eventId, CancellationToken cancellationToken) => inner.MarkNoticeQueuedAsync(eventId, cancellationToken);
}
