using Microsoft.Extensions.Logging.Abstractions;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.Engine.Tenants;
using WebhookFunctions.Testing.Engine;
using WebhookFunctions.UnitTests.Fakes;

namespace WebhookFunctions.UnitTests.Tenants;

public sealed class TenantDeadLetterTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 6, 0, 0, TimeSpan.Zero);
    private readonly InMemoryDeadLetterStore store = new();
    private readonly RecordingTransport transport = new();
    private readonly InMemorySubscriptionStore subscriptions = new();
    private readonly InMemoryEventStore events = new();
    private readonly DeadLetterService service;

    public TenantDeadLetterTests()
    {
        service = new DeadLetterService(store, subscriptions, events, transport, transport, NullLogger<DeadLetterService>.Instance);
        subscriptions.AddAsync(
            new Subscription
            {
                Id = "sub_a",
                Url = new Uri("https://sub-a.example/hook"),
                EventTypes = ["order.*"],
                Secrets = [new SigningSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", null)],
                CreatedAt = Now.AddDays(-7),
                UpdatedAt = Now.AddDays(-7),
            },
            CancellationToken.None).GetAwaiter().GetResult();
        foreach (var eventId in new[] { "evt_1", "evt_2", "evt_3", "evt_4" })
        {
            events.Items[eventId] = new WebhookEvent(eventId, "order.created", Now.AddDays(-3), null, null, "{}"u8.ToArray(), null);
        }
    }

    [Fact]
    public async Task Listing_by_tenant_selects_that_tenants_dead_letters_only()
    {
        store.Items.AddRange([DeadLetterOf("evt_1", "t1"), DeadLetterOf("evt_2", "t2"), DeadLetterOf("evt_3", null)]);

        var page = await service.ListAsync(new DeadLetterFilter(TenantId: "t1"), null, null, CancellationToken.None);

        Assert.Equal(["evt_1"], page.Value!.Items.Select(d => d.EventId));
    }

    [Fact]
    public async Task Replay_by_tenant_requeues_that_tenants_jobs_with_the_tenant_and_leaves_the_rest()
    {
        store.Items.AddRange([DeadLetterOf("evt_1", "t1"), DeadLetterOf("evt_2", "t2"), DeadLetterOf("evt_3", null)]);

        var result = await service.ReplayAsync(new DeadLetterFilter(TenantId: "t1"), dryRun: false, CancellationToken.None);

        Assert.Equal((1, 1), (result.Value!.Matched, result.Value.Replayed));
        var job = Assert.Single(transport.Sent);
        Assert.Equal(("evt_1", "t1"), (job.EventId, job.TenantId));
        Assert.Equal(["evt_2", "evt_3"], store.Items.Select(d => d.EventId));
    }

    [Fact]
    public async Task Purge_by_tenant_removes_that_tenants_dead_letters_only()
    {
        store.Items.AddRange([DeadLetterOf("evt_1", "t1"), DeadLetterOf("evt_2", "t2"), DeadLetterOf("evt_3", null)]);

        var result = await service.PurgeAsync(new DeadLetterFilter(TenantId: "t1"), null, null, dryRun: false, CancellationToken.None);

        Assert.Equal(new PurgeReport(1, 1, null), result.Value);
        Assert.Equal(["evt_2", "evt_3"], store.Items.Select(d => d.EventId));
    }

    [Fact]
    public async Task A_fan_out_dead_letter_replays_as_a_notice_for_its_tenant()
    {
        store.Items.Add(DeadLetterOf("evt_1", "t1") with { SubscriptionId = null, Stage = DeadLetterStage.FanOut });

        await service.ReplayAsync(new DeadLetterFilter(TenantId: "t1"), dryRun: false, CancellationToken.None);

        Assert.Equal("t1", Assert.Single(transport.Notices).TenantId);
    }

    [Fact]
    public async Task An_invalid_tenant_filter_is_refused_before_the_store_is_touched()
    {
        store.Items.Add(DeadLetterOf("evt_1", "t1"));

        var listed = await service.ListAsync(new DeadLetterFilter(TenantId: "a b"), null, null, CancellationToken.None);
        var replayed = await service.ReplayAsync(new DeadLetterFilter(TenantId: "a b"), dryRun: false, CancellationToken.None);
        var purged = await service.PurgeAsync(new DeadLetterFilter(TenantId: "a b"), null, null, dryRun: false, CancellationToken.None);

        Assert.Equal([TenantIds.Field], listed.Error!.FieldErrors!.Keys);
        Assert.Equal([TenantIds.Field], replayed.Error!.FieldErrors!.Keys);
        Assert.Equal([TenantIds.Field], purged.Error!.FieldErrors!.Keys);
        Assert.Equal(0, store.Calls);
    }

    private static DeadLetter DeadLetterOf(string eventId, string? tenantId) =>
        new(eventId, "sub_a", "order.created", DeadLetterReason.MaxAttemptsExceeded, "gave up", 10, Now.AddDays(-3), Now, 500, null, null, TenantId: tenantId);
}
