using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Retention;
using WebhookFunctions.IntegrationTests.Infrastructure;
using WebhookFunctions.Storage;
using WebhookFunctions.Storage.Queues;
using WebhookFunctions.Storage.Retention;
using WebhookFunctions.Storage.Tables;

namespace WebhookFunctions.IntegrationTests.Retention;

/// <summary>The stores and the sweeper over one test storage, on a clock the test moves; and raw views of every table.</summary>
internal sealed class RetentionRig
{
    public static readonly DateTimeOffset Start = new(2026, 1, 10, 12, 0, 0, TimeSpan.Zero);

    private RetentionRig(TestStorage storage, RetentionOptions options)
    {
        Storage = storage;
        Options = options;
        Policy = new RetentionPolicy(Microsoft.Extensions.Options.Options.Create(options), Microsoft.Extensions.Options.Options.Create(new DeliveryOptions()), Clock);
        var eventTable = new EventTableStore(storage.Tables, storage.Blobs, storage.Names, storage.Schedule, Policy);
        Events = new RecentEventCache(eventTable, Policy);
        Log = new DeliveryLogTableStore(storage.Tables, storage.Names, storage.Schedule, Policy);
        IdempotencyKeys = new IdempotencyTableStore(storage.Tables, storage.Names, storage.Schedule);
        Poison = new PoisonMessageTableStore(storage.Tables, storage.Names, Clock);
        DeadLetters = new DeadLetterTableStore(storage.Tables, storage.Names, storage.Schedule, Policy);
    }

    public FakeTimeProvider Clock { get; } = new(Start);

    public TestStorage Storage { get; }

    public RetentionOptions Options { get; }

    public RetentionPolicy Policy { get; }

    public IEventStore Events { get; }

    public DeliveryLogTableStore Log { get; }

    public IdempotencyTableStore IdempotencyKeys { get; }

    public PoisonMessageTableStore Poison { get; }

    /// <summary>Schedules dead letters while <see cref="RetentionOptions.DeadLetters"/> is set (on <see cref="Options"/>, read at each call).</summary>
    public DeadLetterTableStore DeadLetters { get; }

    public static async Task<RetentionRig> CreateAsync(AzuriteFixture azurite, int pageSize = 100, TimeSpan? deadLetters = null) =>
        new(await TestStorage.CreateAsync(azurite), new RetentionOptions { PageSize = pageSize, DeadLetters = deadLetters });

    /// <summary>A sweeper over these tables; <paramref name="policies"/> go into its own storage clients (to count or to fail requests).</summary>
    public RetentionSweeper Sweeper(AzuriteFixture azurite, params HttpPipelinePolicy[] policies)
    {
        var storageOptions = new StorageOptions { ConnectionString = azurite.ConnectionString, NamePrefix = Storage.Prefix };
        var pipeline = policies.Select(p => new StoragePipelinePolicy(p)).ToList();
        var tables = StorageClientFactory.CreateTableServiceClient(storageOptions, pipeline);
        var blobs = StorageClientFactory.CreateBlobServiceClient(storageOptions, pipeline);
        var store = new ExpiryTableStore(tables, blobs, Storage.Names, new ExpirySchedule(tables, Storage.Names));
        return new RetentionSweeper(store, Policy, Microsoft.Extensions.Options.Options.Create(Options), NullLogger<RetentionSweeper>.Instance);
    }

    public async Task PublishAsync(string eventId, byte[]? data = null)
    {
        var webhookEvent = new WebhookEvent(eventId, "order.created", Clock.GetUtcNow(), null, null, data ?? "{\"n\":1}"u8.ToArray(), null, AcceptedAt: Clock.GetUtcNow());
        Assert.True(await Events.TryAddAsync(webhookEvent, CancellationToken.None));
    }

    /// <summary>
    /// As publish's direct path stores an event with one recipient, and as delivery logs it: attempt 1 at once (logged by
    /// subscription alone), attempt 2 an hour later (the clock is not moved).
    /// </summary>
    public async Task PublishToSoleRecipientAsync(string eventId, string subscriptionId)
    {
        var acceptedAt = Clock.GetUtcNow();
        var webhookEvent = new WebhookEvent(eventId, "order.created", acceptedAt, null, null, "{\"n\":1}"u8.ToArray(), null, AcceptedAt: acceptedAt, SoleRecipient: subscriptionId);
        Assert.True(await Events.TryAddAsync(webhookEvent, CancellationToken.None));
        await Log.AppendAsync(
            [
                Attempt(eventId, subscriptionId, 1, acceptedAt.AddMilliseconds(5), acceptedAt, AttemptOutcome.Failed) with { ToSoleRecipient = true },
                Attempt(eventId, subscriptionId, 2, acceptedAt.AddHours(1), acceptedAt, AttemptOutcome.Delivered) with { ToSoleRecipient = true },
            ],
            CancellationToken.None);
    }

    /// <summary>Attempt 1 now and attempt 2 an hour later (the clock is not moved), for each subscription.</summary>
    public Task DeliverAsync(string eventId, DateTimeOffset acceptedAt, params string[] subscriptionIds) =>
        Log.AppendAsync(
            subscriptionIds.SelectMany(s => new[]
            {
                Attempt(eventId, s, 1, Clock.GetUtcNow(), acceptedAt, AttemptOutcome.Failed),
                Attempt(eventId, s, 2, Clock.GetUtcNow().AddHours(1), acceptedAt, AttemptOutcome.Delivered),
            }).ToList(),
            CancellationToken.None);

    public static DeliveryAttempt Attempt(string eventId, string subscriptionId, int attempt, DateTimeOffset at, DateTimeOffset? acceptedAt, AttemptOutcome outcome) =>
        new(eventId, subscriptionId, attempt, at, 10, outcome, outcome == AttemptOutcome.Delivered ? 200 : 503, null, null, null, acceptedAt);

    /// <summary>Parks a dead letter of <paramref name="eventId"/> for <paramref name="subscriptionId"/> now.</summary>
    public Task DeadLetterAsync(string eventId, string subscriptionId = "sub-a") =>
        DeadLetters.AddAsync(
            new DeadLetter(eventId, subscriptionId, "order.created", DeadLetterReason.MaxAttemptsExceeded, "gave up", 8, Clock.GetUtcNow().AddDays(-4), Clock.GetUtcNow(), 503, null, null),
            CancellationToken.None);

    /// <summary>The dead letters a reader of the API can list, as "event subscription".</summary>
    public async Task<List<string>> ListedDeadLettersAsync() =>
        [.. (await DeadLetters.ListAsync(new DeadLetterFilter(), 100, null, CancellationToken.None)).Items.Select(d => $"{d.EventId} {d.SubscriptionId}").Order(StringComparer.Ordinal)];

    /// <summary>The expiry schedule's rows, as "PartitionKey/RowKey", without the backfill's checkpoints.</summary>
    public async Task<List<string>> DeadLetterScheduleRowsAsync() =>
        [.. (await ScheduleRowsAsync()).Where(r => r.StartsWith("deadletter|", StringComparison.Ordinal))];

    public async Task<List<string>> ScheduleRowsAsync() =>
        [.. (await RowsAsync(Storage.Names.ExpiryTable)).Where(r => !r.StartsWith(ScheduleBackfill.CheckpointPartition + "/", StringComparison.Ordinal))];

    /// <summary>Deletes the whole expiry schedule: what is stored now looks as if written before the schedule existed.</summary>
    public async Task ForgetScheduleAsync()
    {
        var rows = (await RowsAsync(Storage.Names.ExpiryTable)).Select(r => r.Split('/')).Select(k => (k[0], k[1]));
        await PartitionDeleter.DeleteAsync(Storage.Tables.GetTableClient(Storage.Names.ExpiryTable), rows, CancellationToken.None);
        Assert.Empty(await RowsAsync(Storage.Names.ExpiryTable));
    }

    /// <summary>Every row of a table, as "PartitionKey/RowKey", sorted.</summary>
    public async Task<List<string>> RowsAsync(string table)
    {
        var rows = new List<string>();
        await foreach (var entity in Storage.Tables.GetTableClient(table).QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
        {
            rows.Add($"{entity.PartitionKey}/{entity.RowKey}");
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    public async Task<List<string>> PayloadBlobsAsync()
    {
        var names = new List<string>();
        await foreach (var blob in Storage.Blobs.GetBlobContainerClient(Storage.Names.EventPayloadsContainer).GetBlobsAsync())
        {
            names.Add(blob.Name);
        }

        return names;
    }

    /// <summary>What a reader of the API can see of these events and subscriptions.</summary>
    public async Task<List<string>> VisibleAsync(IEnumerable<string> eventIds, IEnumerable<string> subscriptionIds)
    {
        var seen = new List<string>();
        foreach (var eventId in eventIds)
        {
            var stored = await Events.GetAsync(eventId, CancellationToken.None);
            if (stored is not null)
            {
                seen.Add("event " + eventId);
            }

            seen.AddRange((await Log.ListForEventAsync(stored ?? LoggedEvent.WithId(eventId), CancellationToken.None)).Select(a => $"by-event {a.EventId} {a.SubscriptionId} #{a.Attempt}"));
        }

        foreach (var subscriptionId in subscriptionIds)
        {
            string? token = null;
            do
            {
                var page = await Log.ListForSubscriptionAsync(subscriptionId, 100, token, CancellationToken.None);
                seen.AddRange(page.Items.Select(a => $"by-subscription {a.EventId} {a.SubscriptionId} #{a.Attempt}"));
                token = page.ContinuationToken;
            }
            while (token is not null);
        }

        seen.Sort(StringComparer.Ordinal);
        return seen;
    }
}

/// <summary>Simulates a process dying mid-sweep: after <paramref name="allowed"/> deleting requests, every request fails.</summary>
internal sealed class DieAfterDeletes(int allowed) : HttpPipelineSynchronousPolicy
{
    private int deletes;

    public override void OnSendingRequest(HttpMessage message) => Check(message);

    private void Check(HttpMessage message)
    {
        var deleting = message.Request.Method == RequestMethod.Delete || message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal);
        if (Volatile.Read(ref deletes) >= allowed || (deleting && Interlocked.Increment(ref deletes) > allowed))
        {
            throw new InvalidOperationException("The sweeping process died."); // Not a transient fault: the client does not retry it.
        }
    }
}
