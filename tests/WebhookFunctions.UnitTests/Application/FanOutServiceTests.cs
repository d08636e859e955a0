using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.UnitTests.Fakes;

namespace WebhookFunctions.UnitTests.Application;

public sealed class FanOutServiceTests
{
    [Fact]
    public async Task Only_enabled_matching_subscriptions_get_a_job()
    {
        using var harness = new EngineHarness();
        var orders = await harness.SubscribeAsync("a.test", "order.*");
        var all = await harness.SubscribeAsync("b.test", "*");
        await harness.SubscribeAsync("c.test", "invoice.paid");
        var disabled = await harness.SubscribeAsync("d.test", "order.created");
        await harness.SubscriptionService.UpdateAsync(disabled.Id, new(Status: "disabled"), disabled.ETag, CancellationToken.None);

        await harness.FanOut.FanOutAsync(new EventNotice("evt_1", "order.created", null), CancellationToken.None);

        var ids = harness.Transport.Sent.SelectMany(j => j.SubscriptionIds).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { orders.Id, all.Id }.Order(StringComparer.Ordinal), ids);
        Assert.All(harness.Transport.Sent, job => Assert.Equal(1, job.Attempt));
    }

    [Fact]
    public async Task Subscribers_are_batched_by_the_configured_size()
    {
        using var harness = new EngineHarness(o => o.FanOutBatchSize = 2);
        for (var i = 0; i < 5; i++)
        {
            await harness.SubscribeAsync($"s{i}.test", "order.created");
        }

        await harness.FanOut.FanOutAsync(new EventNotice("evt_1", "order.created", null), CancellationToken.None);

        Assert.Equal([2, 2, 1], harness.Transport.Sent.Select(j => j.SubscriptionIds.Count));
        Assert.Equal(5, harness.Transport.Sent.SelectMany(j => j.SubscriptionIds).Distinct().Count());
    }

    [Fact]
    public async Task The_index_lookups_are_reused_within_the_cache_duration()
    {
        using var harness = new EngineHarness(o => o.SubscriptionCacheDuration = TimeSpan.FromSeconds(5));
        await harness.SubscribeAsync("a.test", "order.*");

        await harness.FanOut.FanOutAsync(new EventNotice("evt_1", "order.created", null), CancellationToken.None);
        await harness.FanOut.FanOutAsync(new EventNotice("evt_2", "order.created", null), CancellationToken.None);
        harness.Clock.Advance(TimeSpan.FromSeconds(6));
        await harness.FanOut.FanOutAsync(new EventNotice("evt_3", "order.created", null), CancellationToken.None);

        // Two reads of the three lookups for "order.created" ("order.created", "order.*", "*").
        Assert.Equal(6, harness.Subscriptions.IndexLookups);
    }
}
