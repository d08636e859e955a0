using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Publishing;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.Engine.Tenants;
using WebhookFunctions.UnitTests.Fakes;

namespace WebhookFunctions.UnitTests.Tenants;

public sealed class TenantSubscriptionTests : IDisposable
{
    private readonly EngineHarness harness = new();

    public void Dispose() => harness.Dispose();

    [Fact]
    public async Task A_subscription_keeps_the_tenant_it_was_created_with()
    {
        var created = await CreateAsync("customer-42");

        Assert.Equal("customer-42", created.TenantId);
        Assert.Equal("customer-42", (await harness.Subscriptions.GetAsync(created.Id, CancellationToken.None))!.TenantId);
    }

    [Fact]
    public async Task An_invalid_tenant_id_on_create_is_a_validation_error_naming_the_field()
    {
        var result = await harness.SubscriptionService.CreateAsync(new SubscriptionInput("http://a.test/hook", ["order.*"], TenantId: "no spaces"), CancellationToken.None);

        Assert.Equal(ErrorKind.Validation, result.Error!.Kind);
        Assert.Contains(TenantIds.Field, result.Error.FieldErrors!.Keys);
    }

    [Theory]
    [InlineData("customer-42", "customer-43")]
    [InlineData(null, "customer-43")]
    public async Task A_patch_that_changes_the_tenant_is_refused_naming_the_field_and_changes_nothing(string? original, string attempted)
    {
        var created = await CreateAsync(original);

        var result = await harness.SubscriptionService.UpdateAsync(created.Id, new SubscriptionPatch(Description: "x", TenantId: attempted), created.ETag, CancellationToken.None);

        Assert.Equal(ErrorKind.Validation, result.Error!.Kind);
        Assert.Equal([TenantIds.Field], result.Error.FieldErrors!.Keys);
        var stored = (await harness.Subscriptions.GetAsync(created.Id, CancellationToken.None))!;
        Assert.Equal(original, stored.TenantId);
        Assert.Null(stored.Description);
    }

    [Fact]
    public async Task A_patch_that_repeats_the_tenant_is_accepted()
    {
        var created = await CreateAsync("customer-42");

        var result = await harness.SubscriptionService.UpdateAsync(created.Id, new SubscriptionPatch(Description: "x", TenantId: "customer-42"), created.ETag, CancellationToken.None);

        Assert.True(result.Succeeded, result.Error?.Detail);
        Assert.Equal("customer-42", result.Value!.TenantId);
    }

    [Fact]
    public async Task Listing_by_tenant_returns_that_tenants_subscriptions_only()
    {
        var mine = await CreateAsync("t1");
        await CreateAsync("t2");
        await CreateAsync(null);

        var page = await harness.SubscriptionService.ListAsync("t1", null, null, CancellationToken.None);
        var all = await harness.SubscriptionService.ListAsync(null, null, null, CancellationToken.None);
        var invalid = await harness.SubscriptionService.ListAsync("bad/tenant", null, null, CancellationToken.None);

        Assert.Equal([mine.Id], page.Value!.Items.Select(s => s.Id));
        Assert.Equal(3, all.Value!.Items.Count);
        Assert.Equal([TenantIds.Field], invalid.Error!.FieldErrors!.Keys);
    }

    [Fact]
    public async Task A_published_event_carries_its_tenant_to_the_store_and_the_notice()
    {
        var result = await harness.Publish.PublishAsync(new PublishCommand(null, "order.created", "{}"u8.ToArray(), TenantId: "t1"), CancellationToken.None);

        Assert.True(result.Succeeded, result.Error?.Detail);
        Assert.Equal("t1", harness.Events.Items[result.Value!.Id].TenantId);
        Assert.Equal("t1", Assert.Single(harness.Transport.Notices).TenantId);
    }

    [Fact]
    public async Task An_invalid_tenant_on_publish_is_a_validation_error_and_nothing_is_queued()
    {
        var result = await harness.Publish.PublishAsync(new PublishCommand(null, "order.created", "{}"u8.ToArray(), TenantId: new string('x', 65)), CancellationToken.None);

        Assert.Equal([TenantIds.Field], result.Error!.FieldErrors!.Keys);
        Assert.Empty(harness.Transport.Notices);
    }

    [Fact]
    public async Task A_repeat_with_the_same_idempotency_key_for_another_tenant_is_a_different_request()
    {
        await harness.Publish.PublishAsync(new PublishCommand(null, "order.created", "{}"u8.ToArray(), IdempotencyKey: "k1", TenantId: "t1"), CancellationToken.None);

        var repeat = await harness.Publish.PublishAsync(new PublishCommand(null, "order.created", "{}"u8.ToArray(), IdempotencyKey: "k1", TenantId: "t2"), CancellationToken.None);

        Assert.Equal(ErrorKind.Unprocessable, repeat.Error!.Kind);
    }

    private async Task<Subscription> CreateAsync(string? tenantId)
    {
        var created = await harness.SubscriptionService.CreateAsync(new SubscriptionInput("http://a.test/hook", ["order.*"], TenantId: tenantId), CancellationToken.None);
        Assert.True(created.Succeeded, created.Error?.Detail);
        return created.Value!.Subscription;
    }
}
