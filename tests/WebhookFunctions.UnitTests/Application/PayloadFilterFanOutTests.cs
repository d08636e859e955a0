using System.Text;
using System.Text.Json;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.UnitTests.Fakes;

namespace WebhookFunctions.UnitTests.Application;

public sealed class PayloadFilterFanOutTests
{
    [Fact]
    public async Task Fan_out_sends_a_filtered_subscription_only_the_events_that_pass_its_filter()
    {
        using var harness = new EngineHarness();
        var large = await SubscribeAsync(harness, """{"data.amount": {"$gte": 1000}, "data.currency": "EUR"}""");
        var everything = await harness.SubscribeAsync("all.test", "order.created");

        var small = await PublishAsync(harness, """{"amount": 999.99, "currency": "EUR"}""");
        var big = await PublishAsync(harness, """{"amount": 1000, "currency": "EUR"}""");
        var dollars = await PublishAsync(harness, """{"amount": 5000, "currency": "USD"}""");

        Assert.Equal([everything.Id], Recipients(harness, small));
        Assert.Equal(new[] { large.Id, everything.Id }.Order(StringComparer.Ordinal), Recipients(harness, big).Order(StringComparer.Ordinal));
        Assert.Equal([everything.Id], Recipients(harness, dollars));
    }

    [Fact]
    public async Task An_event_that_passes_no_filter_creates_no_job()
    {
        using var harness = new EngineHarness();
        await SubscribeAsync(harness, """{"subject": "tenant-1"}""");

        var other = await PublishAsync(harness, "{}", subject: "tenant-2");
        var own = await PublishAsync(harness, "{}", subject: "tenant-1");

        Assert.Empty(Recipients(harness, other));
        Assert.Single(Recipients(harness, own));
    }

    [Fact]
    public async Task A_filtered_subscription_still_gets_an_event_no_longer_in_the_store_so_delivery_records_it()
    {
        using var harness = new EngineHarness();
        var filtered = await SubscribeAsync(harness, """{"data.amount": {"$gt": 0}}""");

        await harness.FanOut.FanOutAsync(new EventNotice("evt_gone", "order.created", null), CancellationToken.None);

        Assert.Equal([filtered.Id], harness.Transport.Sent.SelectMany(j => j.SubscriptionIds));
    }

    [Fact]
    public async Task Patch_sets_replaces_keeps_and_removes_the_filter()
    {
        using var harness = new EngineHarness();
        var created = await SubscribeAsync(harness, """{"data.a": 1}""");

        var replaced = await PatchAsync(harness, created, new SubscriptionPatch(Filter: Json("""{"data.a": 2}""")));
        Assert.Equal("""{"data.a":2}""", replaced.Filter!.Json);

        var kept = await PatchAsync(harness, replaced, new SubscriptionPatch(Description: "kept"));
        Assert.Equal("""{"data.a":2}""", kept.Filter!.Json);

        var removed = await PatchAsync(harness, kept, new SubscriptionPatch(Filter: Json("null")));
        Assert.Null(removed.Filter);
    }

    [Fact]
    public async Task Create_and_patch_refuse_an_invalid_filter_naming_its_place()
    {
        using var harness = new EngineHarness();
        var bad = Json("""{"$or": [{"data.a": 1}, {"data.amount": {"$gtx": 5}}]}""");

        var created = await harness.SubscriptionService.CreateAsync(new SubscriptionInput("http://a.test/hook", ["order.created"], Filter: bad), CancellationToken.None);
        var subscription = await harness.SubscribeAsync("b.test", "order.created");
        var patched = await harness.SubscriptionService.UpdateAsync(subscription.Id, new SubscriptionPatch(Filter: bad), subscription.ETag, CancellationToken.None);

        foreach (var error in new[] { created.Error, patched.Error })
        {
            Assert.Equal(ErrorKind.Validation, error!.Kind);
            Assert.Contains("filter.$or[1].data.amount.$gtx", error.FieldErrors!.Keys);
        }

        Assert.Null((await harness.Subscriptions.GetAsync(subscription.Id, CancellationToken.None))!.Filter);
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private static async Task<Subscription> SubscribeAsync(EngineHarness harness, string filter)
    {
        var created = await harness.SubscriptionService.CreateAsync(
            new SubscriptionInput($"http://{Guid.NewGuid():N}.test/hook", ["order.created"], Filter: Json(filter)), CancellationToken.None);
        Assert.True(created.Succeeded, created.Error?.Detail);
        return created.Value!.Subscription;
    }

    private static async Task<Subscription> PatchAsync(EngineHarness harness, Subscription current, SubscriptionPatch patch)
    {
        var updated = await harness.SubscriptionService.UpdateAsync(current.Id, patch, current.ETag, CancellationToken.None);
        Assert.True(updated.Succeeded, updated.Error?.Detail);
        return updated.Value!;
    }

    private static async Task<string> PublishAsync(EngineHarness harness, string data, string? subject = null)
    {
        var webhookEvent = new WebhookEvent($"evt_{Guid.NewGuid():N}", "order.created", harness.Clock.GetUtcNow(), subject, null, Encoding.UTF8.GetBytes(data), null);
        await harness.Events.TryAddAsync(webhookEvent, CancellationToken.None);
        await harness.FanOut.FanOutAsync(new EventNotice(webhookEvent.Id, webhookEvent.Type, null), CancellationToken.None);
        return webhookEvent.Id;
    }

    private static List<string> Recipients(EngineHarness harness, string eventId) =>
        harness.Transport.Sent.Where(j => j.EventId == eventId).SelectMany(j => j.SubscriptionIds).ToList();
}
