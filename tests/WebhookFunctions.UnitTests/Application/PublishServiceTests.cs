using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WebhookFunctions.Engine;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Publishing;
using WebhookFunctions.UnitTests.Fakes;

namespace WebhookFunctions.UnitTests.Application;

public sealed class PublishServiceTests : IDisposable
{
    private readonly EngineHarness harness = new();

    public void Dispose() => harness.Dispose();

    [Fact]
    public async Task Publishing_stores_the_event_and_queues_one_notice()
    {
        var receipt = await harness.Publish.PublishAsync(new PublishCommand(null, "order.created", "{\"a\":1}"u8.ToArray()), CancellationToken.None);

        Assert.True(receipt.Succeeded);
        Assert.False(receipt.Value!.AlreadyAccepted);
        Assert.StartsWith("evt_", receipt.Value.Id, StringComparison.Ordinal);
        Assert.True(harness.Events.Items.ContainsKey(receipt.Value.Id));
        var notice = Assert.Single(harness.Transport.Notices);
        Assert.Equal((receipt.Value.Id, "order.created"), (notice.EventId, notice.EventType));
    }

    [Fact]
    public async Task The_same_idempotency_key_twice_returns_the_first_event_and_publishes_nothing_new()
    {
        var first = await harness.Publish.PublishAsync(new PublishCommand(null, "order.created", "1"u8.ToArray(), IdempotencyKey: "key-1"), CancellationToken.None);
        harness.Clock.Advance(TimeSpan.FromHours(23));
        var second = await harness.Publish.PublishAsync(new PublishCommand(null, "order.created", "1"u8.ToArray(), IdempotencyKey: "key-1"), CancellationToken.None);

        Assert.Equal(first.Value!.Id, second.Value!.Id);
        Assert.True(second.Value.AlreadyAccepted);
        Assert.Single(harness.Transport.Notices);
        Assert.Single(harness.Events.Items);
    }

    [Theory]
    [InlineData("order.created", "2", null)]
    [InlineData("order.updated", "1", null)]
    [InlineData("order.created", "1", "another subject")]
    public async Task The_same_idempotency_key_with_a_different_request_is_refused_as_unprocessable_and_changes_nothing(string type, string data, string? subject)
    {
        var first = await harness.Publish.PublishAsync(new PublishCommand(null, "order.created", "1"u8.ToArray(), IdempotencyKey: "key-1"), CancellationToken.None);

        var second = await harness.Publish.PublishAsync(new PublishCommand(null, type, System.Text.Encoding.UTF8.GetBytes(data), subject, IdempotencyKey: "key-1"), CancellationToken.None);

        Assert.Equal(ErrorKind.Unprocessable, second.Error!.Kind);
        Assert.Contains(first.Value!.Id, second.Error.Detail, StringComparison.Ordinal);
        Assert.Single(harness.Transport.Notices);
        Assert.Equal("1"u8.ToArray(), harness.Events.Items[first.Value.Id].Data.ToArray());
    }

    [Fact]
    public async Task The_same_client_id_with_a_different_body_is_refused_as_unprocessable()
    {
        await harness.Publish.PublishAsync(new PublishCommand("evt-client-1", "order.created", "1"u8.ToArray()), CancellationToken.None);

        var second = await harness.Publish.PublishAsync(new PublishCommand("evt-client-1", "order.created", "{\"changed\":true}"u8.ToArray()), CancellationToken.None);

        Assert.Equal(ErrorKind.Unprocessable, second.Error!.Kind);
        Assert.Single(harness.Transport.Notices);
    }

    [Fact]
    public async Task The_same_idempotency_key_while_the_first_request_is_in_flight_is_a_conflict()
    {
        var queue = new GatedEventQueue();
        var publish = new PublishService(new Testing.Engine.InMemoryEventStore(), new Testing.Engine.InMemoryIdempotencyStore(), queue, harness.DirectRoute(), harness.Options, harness.Clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<PublishService>.Instance);
        var command = new PublishCommand(null, "order.created", "1"u8.ToArray(), IdempotencyKey: "key-1");

        var first = publish.PublishAsync(command, CancellationToken.None);
        await queue.Entered.Task;
        var concurrent = await publish.PublishAsync(command, CancellationToken.None);
        queue.Release.SetResult();
        var answered = await first;
        var afterwards = await publish.PublishAsync(command, CancellationToken.None);

        Assert.Equal(ErrorKind.Conflict, concurrent.Error!.Kind);
        Assert.False(answered.Value!.AlreadyAccepted);
        Assert.Equal(answered.Value.Id, afterwards.Value!.Id);
        Assert.True(afterwards.Value.AlreadyAccepted);
    }

    private sealed class GatedEventQueue : WebhookFunctions.Engine.Queueing.IEventQueue
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task SendAsync(WebhookFunctions.Engine.Queueing.EventNotice notice, CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            await Release.Task;
        }
    }

    [Fact]
    public async Task An_idempotency_key_older_than_the_window_publishes_again()
    {
        await harness.Publish.PublishAsync(new PublishCommand(null, "order.created", "1"u8.ToArray(), IdempotencyKey: "key-1"), CancellationToken.None);
        harness.Clock.Advance(TimeSpan.FromHours(25));
        var later = await harness.Publish.PublishAsync(new PublishCommand(null, "order.created", "1"u8.ToArray(), IdempotencyKey: "key-1"), CancellationToken.None);

        Assert.False(later.Value!.AlreadyAccepted);
        Assert.Equal(2, harness.Transport.Notices.Count);
    }

    [Fact]
    public async Task A_client_id_seen_before_returns_the_original_event()
    {
        var first = await harness.Publish.PublishAsync(new PublishCommand("order-42", "order.created", "1"u8.ToArray()), CancellationToken.None);
        var again = await harness.Publish.PublishAsync(new PublishCommand("order-42", "order.created", "1"u8.ToArray()), CancellationToken.None);

        Assert.Equal("order-42", first.Value!.Id);
        Assert.True(again.Value!.AlreadyAccepted);
        Assert.Equal(first.Value.Timestamp, again.Value.Timestamp);
        Assert.Single(harness.Transport.Notices);
    }

    [Fact]
    public async Task A_repeat_of_a_publish_that_died_before_queueing_its_notice_queues_it_once()
    {
        var stored = new Engine.Events.WebhookEvent("order-7", "order.created", harness.Clock.GetUtcNow(), null, null, "1"u8.ToArray(), null);
        await harness.Events.TryAddAsync(stored, CancellationToken.None);

        var retried = await harness.Publish.PublishAsync(new PublishCommand("order-7", "order.created", "1"u8.ToArray()), CancellationToken.None);
        var again = await harness.Publish.PublishAsync(new PublishCommand("order-7", "order.created", "1"u8.ToArray()), CancellationToken.None);

        Assert.True(retried.Value!.AlreadyAccepted);
        Assert.True(again.Value!.AlreadyAccepted);
        Assert.Equal("order-7", Assert.Single(harness.Transport.Notices).EventId);
        Assert.True(harness.Events.Items["order-7"].NoticeQueued);
    }

    [Fact]
    public async Task An_invalid_type_is_refused_and_nothing_is_written()
    {
        var result = await harness.Publish.PublishAsync(new PublishCommand(null, "order..created", "1"u8.ToArray()), CancellationToken.None);

        Assert.Equal(ErrorKind.Validation, result.Error!.Kind);
        Assert.Contains("type", result.Error.FieldErrors!.Keys);
        Assert.Empty(harness.Events.Items);
        Assert.Empty(harness.Transport.Notices);
    }
}

public sealed class EngineRegistrationTests
{
    [Fact]
    public void A_configured_retry_schedule_replaces_the_default_instead_of_extending_it()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Delivery:RetrySchedule:0"] = "00:00:00", ["Delivery:RetrySchedule:1"] = "00:00:03" })
            .Build();
        using var provider = new ServiceCollection().AddWebhookEngine(configuration).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<Engine.Delivery.DeliveryOptions>>().Value;

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(3)], options.RetrySchedule);
    }
}
