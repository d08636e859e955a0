using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Tenants;
using WebhookFunctions.UnitTests.DeadLetters;
using WebhookFunctions.UnitTests.Fakes;

namespace WebhookFunctions.UnitTests.Tenants;

public sealed class TenantDeadLetterTests
{
    private readonly DeadLetterServiceSetup setup = new();
    private readonly InMemoryDeadLetterStore store;
    private readonly RecordingTransport transport;
    private readonly DeadLetterService service;

    public TenantDeadLetterTests() => (store, transport, service) = (setup.Store, setup.Transport, setup.Service);

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

    private static DeadLetter DeadLetterOf(string eventId, string? tenantId) => DeadLetterServiceSetup.DeadLetterOf(eventId, "sub_a", tenantId);
}
