using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.UnitTests.Fakes;

namespace WebhookFunctions.UnitTests.Tenants;

public sealed class TenantFanOutTests : IDisposable
{
    private readonly EngineHarness harness = new();

    public void Dispose() => harness.Dispose();

    [Fact]
    public async Task An_event_with_a_tenant_reaches_that_tenants_matching_subscriptions_only()
    {
        var mine = await SubscribeAsync("t1", "order.*");
        var mineToo = await SubscribeAsync("t1", "*");
        await SubscribeAsync("t1", "invoice.paid");
        await SubscribeAsync("t2", "order.*");
        await SubscribeAsync("T1", "order.*");
        await SubscribeAsync(null, "*");

        await harness.FanOut.FanOutAsync(new EventNotice("evt_1", "order.created", null, "t1"), CancellationToken.None);

        Assert.Equal(new[] { mine.Id, mineToo.Id }.Order(StringComparer.Ordinal), SentIds());
        Assert.All(harness.Transport.Sent, job => Assert.Equal("t1", job.TenantId));
    }

    [Fact]
    public async Task An_event_without_a_tenant_reaches_subscriptions_without_one_only()
    {
        await SubscribeAsync("t1", "*");
        var tenantless = await SubscribeAsync(null, "order.created");

        await harness.FanOut.FanOutAsync(new EventNotice("evt_1", "order.created", null), CancellationToken.None);

        Assert.Equal([tenantless.Id], SentIds());
        Assert.All(harness.Transport.Sent, job => Assert.Null(job.TenantId));
    }

    [Fact]
    public async Task A_dead_letter_keeps_the_tenant_of_its_job()
    {
        var subscription = await SubscribeAsync("t1", "order.*");
        await harness.SubscriptionService.UpdateAsync(subscription.Id, new SubscriptionPatch(Status: "disabled"), subscription.ETag, CancellationToken.None);
        var webhookEvent = await harness.StoreEventAsync();

        await harness.ProcessAsync(new Engine.Delivery.DeliveryJob(webhookEvent.Id, webhookEvent.Type, [subscription.Id], 1, null, TenantId: "t1"));

        Assert.Equal("t1", Assert.Single(harness.Transport.DeadLetters).TenantId);
    }

    private List<string> SentIds() => harness.Transport.Sent.SelectMany(j => j.SubscriptionIds).Order(StringComparer.Ordinal).ToList();

    private async Task<Subscription> SubscribeAsync(string? tenantId, params string[] eventTypes)
    {
        var created = await harness.SubscriptionService.CreateAsync(new SubscriptionInput($"http://{Guid.NewGuid():N}.test/hook", eventTypes, TenantId: tenantId), CancellationToken.None);
        Assert.True(created.Succeeded, created.Error?.Detail);
        return created.Value!.Subscription;
    }
}
