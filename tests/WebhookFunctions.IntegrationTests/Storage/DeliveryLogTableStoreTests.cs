using System.Text;
using Azure.Data.Tables;
using Microsoft.Extensions.Time.Testing;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Retention;
using WebhookFunctions.IntegrationTests.Infrastructure;
using WebhookFunctions.Storage.Tables;

namespace WebhookFunctions.IntegrationTests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class DeliveryLogTableStoreTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private DeliveryLogTableStore log = null!;
    private TestStorage storage = null!;

    public async Task InitializeAsync()
    {
        storage = await TestStorage.CreateAsync(azurite);
        log = new DeliveryLogTableStore(storage.Tables, storage.Names, storage.Schedule, RetentionPolicy.Default(new FakeTimeProvider(Start)));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Attempts_read_back_by_event_for_every_subscription_it_went_to()
    {
        await log.AppendAsync(
        [
            Attempt("evt-1", "sub-a", 1, Start, AttemptOutcome.Failed, 503),
            Attempt("evt-1", "sub-b", 1, Start, AttemptOutcome.Delivered, 200),
            Attempt("evt-1", "sub-a", 2, Start.AddSeconds(5), AttemptOutcome.Delivered, 200),
            Attempt("evt-2", "sub-a", 1, Start, AttemptOutcome.Delivered, 200),
        ], CancellationToken.None);

        var attempts = await log.ListForEventAsync(LoggedEvent.WithId("evt-1"), CancellationToken.None);

        Assert.Equal(
            [("sub-a", 1, AttemptOutcome.Failed), ("sub-a", 2, AttemptOutcome.Delivered), ("sub-b", 1, AttemptOutcome.Delivered)],
            attempts.Select(a => (a.SubscriptionId, a.Attempt, a.Outcome)));
        var failed = attempts[0];
        Assert.Equal(503, failed.StatusCode);
        Assert.Equal("timeout", failed.Error);
        Assert.Equal(Start, failed.At);
        Assert.Equal(Start.AddSeconds(5), failed.NextAttemptAt);
        Assert.Equal(120, failed.DurationMs);
        Assert.Equal("busy", failed.ResponseBody);
    }

    [Fact]
    public async Task Attempts_read_back_by_subscription_newest_first_across_pages()
    {
        var attempts = Enumerable.Range(0, 5)
            .Select(i => Attempt($"evt-{i}", "sub-a", 1, Start.AddMinutes(i), AttemptOutcome.Delivered, 200))
            .Append(Attempt("evt-x", "sub-b", 1, Start.AddHours(1), AttemptOutcome.Delivered, 200))
            .ToList();
        await log.AppendAsync(attempts, CancellationToken.None);

        var first = await log.ListForSubscriptionAsync("sub-a", 2, null, CancellationToken.None);
        var second = await log.ListForSubscriptionAsync("sub-a", 2, first.ContinuationToken, CancellationToken.None);
        var third = await log.ListForSubscriptionAsync("sub-a", 2, second.ContinuationToken, CancellationToken.None);

        Assert.Equal(["evt-4", "evt-3"], first.Items.Select(a => a.EventId));
        Assert.Equal(["evt-2", "evt-1"], second.Items.Select(a => a.EventId));
        Assert.Equal(["evt-0"], third.Items.Select(a => a.EventId));
        Assert.Null(third.ContinuationToken);
    }

    [Fact]
    public async Task A_token_from_another_subscription_listing_is_refused()
    {
        var attempts = Enumerable.Range(0, 3).Select(i => Attempt($"evt-{i}", "sub-a", 1, Start.AddMinutes(i), AttemptOutcome.Delivered, 200)).ToList();
        await log.AppendAsync(attempts, CancellationToken.None);
        var page = await log.ListForSubscriptionAsync("sub-a", 1, null, CancellationToken.None);

        await Assert.ThrowsAsync<WebhookFunctions.Engine.Common.InvalidContinuationTokenException>(() =>
            log.ListForSubscriptionAsync("sub-b", 1, page.ContinuationToken, CancellationToken.None));
    }

    [Fact]
    public async Task More_than_one_batch_of_attempts_for_one_event_is_written_completely()
    {
        var attempts = Enumerable.Range(0, 150)
            .Select(i => Attempt("evt-fan", $"sub-{i:D3}", 1, Start.AddMilliseconds(i), AttemptOutcome.Delivered, 200))
            .ToList();

        await log.AppendAsync(attempts, CancellationToken.None);

        Assert.Equal(150, (await log.ListForEventAsync(LoggedEvent.WithId("evt-fan"), CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Writing_the_same_attempt_again_does_not_fail_or_duplicate_it()
    {
        var attempt = Attempt("evt-1", "sub-a", 1, Start, AttemptOutcome.Delivered, 200);

        await log.AppendAsync([attempt], CancellationToken.None);
        await log.AppendAsync([attempt], CancellationToken.None);

        Assert.Single(await log.ListForEventAsync(LoggedEvent.WithId("evt-1"), CancellationToken.None));
    }

    [Fact]
    public async Task A_response_body_over_4_KiB_is_cut_to_4_KiB_without_splitting_a_character()
    {
        var body = new string('é', 3000);

        await log.AppendAsync([Attempt("evt-1", "sub-a", 1, Start, AttemptOutcome.Failed, 500) with { ResponseBody = body }], CancellationToken.None);

        var stored = (await log.ListForEventAsync(LoggedEvent.WithId("evt-1"), CancellationToken.None)).Single().ResponseBody!;
        Assert.Equal(4096, Encoding.UTF8.GetByteCount(stored));
        Assert.Equal(body[..2048], stored);
    }

    [Fact]
    public async Task A_prompt_first_attempt_at_the_sole_recipient_is_written_once_by_subscription_and_listed_both_ways()
    {
        var acceptedAt = Start.AddTicks(1234); // Not whole milliseconds: the key must not depend on where the time came from.
        var prompt = Attempt("evt-1", "sub-a", 1, acceptedAt.AddMilliseconds(40), AttemptOutcome.Delivered, 200) with { EventAcceptedAt = acceptedAt, ToSoleRecipient = true };
        var older = Attempt("evt-0", "sub-a", 1, Start.AddMilliseconds(-500), AttemptOutcome.Delivered, 200);

        await log.AppendAsync([prompt, older], CancellationToken.None);

        Assert.Empty(await RowsOfEventAsync("evt-1"));
        var stored = LoggedEvent.WithId("evt-1", soleRecipient: "sub-a", acceptedAt: acceptedAt.AddTicks(-234)); // As a table returns it.
        var byEvent = Assert.Single(await log.ListForEventAsync(stored, CancellationToken.None));
        Assert.Equal(("sub-a", 1, prompt.At), (byEvent.SubscriptionId, byEvent.Attempt, byEvent.At));
        var bySubscription = await log.ListForSubscriptionAsync("sub-a", 10, null, CancellationToken.None);
        Assert.Equal(["evt-1", "evt-0"], bySubscription.Items.Select(a => a.EventId));
    }

    [Theory]
    [InlineData(1, 1100)] // Past the window: a redelivery or a backlog.
    [InlineData(1, -5)] // Before its event's acceptance: another instance's clock.
    [InlineData(2, 40)] // A retry.
    public async Task Any_other_attempt_at_the_sole_recipient_is_written_both_ways(int attempt, int millisecondsAfterAcceptance)
    {
        var late = Attempt("evt-1", "sub-a", attempt, Start.AddMilliseconds(millisecondsAfterAcceptance), AttemptOutcome.Delivered, 200) with { EventAcceptedAt = Start, ToSoleRecipient = true };

        await log.AppendAsync([late], CancellationToken.None);

        Assert.Equal([$"sub-a|{attempt:D5}"], await RowsOfEventAsync("evt-1"));
        var listed = Assert.Single(await log.ListForEventAsync(LoggedEvent.WithId("evt-1", soleRecipient: "sub-a", acceptedAt: Start), CancellationToken.None));
        Assert.Equal(late.At, listed.At);
        Assert.Single((await log.ListForSubscriptionAsync("sub-a", 10, null, CancellationToken.None)).Items);
    }

    [Fact]
    public async Task A_prompt_first_attempt_and_its_later_redelivery_are_both_listed_for_the_event()
    {
        var prompt = Attempt("evt-1", "sub-a", 1, Start.AddMilliseconds(10), AttemptOutcome.Delivered, 200) with { EventAcceptedAt = Start, ToSoleRecipient = true };
        var redelivered = prompt with { At = Start.AddMinutes(2) };

        await log.AppendAsync([prompt], CancellationToken.None);
        await log.AppendAsync([redelivered], CancellationToken.None);

        var listed = await log.ListForEventAsync(LoggedEvent.WithId("evt-1", soleRecipient: "sub-a", acceptedAt: Start), CancellationToken.None);
        Assert.Equal([prompt.At, redelivered.At], listed.Select(a => a.At));
    }

    private static DeliveryAttempt Attempt(string eventId, string subscriptionId, int attempt, DateTimeOffset at, AttemptOutcome outcome, int statusCode) =>
        outcome == AttemptOutcome.Failed
            ? new(eventId, subscriptionId, attempt, at, 120, outcome, statusCode, "timeout", "busy", at.AddSeconds(5))
            : new(eventId, subscriptionId, attempt, at, 80, outcome, statusCode, null, "ok", null);

    private async Task<List<string>> RowsOfEventAsync(string eventId)
    {
        var rows = new List<string>();
        var byEvent = storage.Tables.GetTableClient(storage.Names.DeliveryAttemptsTable);
        await foreach (var entity in byEvent.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {eventId}"), select: ["RowKey"]))
        {
            rows.Add(entity.RowKey);
        }

        return rows;
    }
}
