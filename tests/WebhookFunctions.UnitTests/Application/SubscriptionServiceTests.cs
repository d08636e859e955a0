using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.UnitTests.Fakes;

namespace WebhookFunctions.UnitTests.Application;

public sealed class SubscriptionServiceTests : IDisposable
{
    private readonly EngineHarness harness = new();

    public void Dispose() => harness.Dispose();

    [Fact]
    public async Task A_stale_etag_is_refused_and_the_subscription_is_unchanged()
    {
        var subscription = await harness.SubscribeAsync("a.test", "order.*");
        var first = await harness.SubscriptionService.UpdateAsync(subscription.Id, new(Description: "first"), subscription.ETag, CancellationToken.None);

        var stale = await harness.SubscriptionService.UpdateAsync(subscription.Id, new(Description: "second"), subscription.ETag, CancellationToken.None);

        Assert.True(first.Succeeded);
        Assert.Equal(ErrorKind.PreconditionFailed, stale.Error!.Kind);
        Assert.Equal("first", (await harness.Subscriptions.GetAsync(subscription.Id, CancellationToken.None))!.Description);
    }

    [Fact]
    public async Task A_patch_without_if_match_is_refused_as_precondition_required_and_changes_nothing()
    {
        var subscription = await harness.SubscribeAsync("a.test", "order.*");

        var result = await harness.SubscriptionService.UpdateAsync(subscription.Id, new(Description: "x"), null, CancellationToken.None);

        Assert.Equal(ErrorKind.PreconditionRequired, result.Error!.Kind);
        Assert.Equal(subscription.Description, (await harness.Subscriptions.GetAsync(subscription.Id, CancellationToken.None))!.Description);
    }

    [Fact]
    public async Task Rotation_keeps_the_previous_secret_signing_until_the_overlap_ends()
    {
        var subscription = await harness.SubscribeAsync("a.test", "order.*");

        var rotated = await harness.SubscriptionService.RotateSecretAsync(subscription.Id, CancellationToken.None);

        var stored = (await harness.Subscriptions.GetAsync(subscription.Id, CancellationToken.None))!;
        Assert.Equal(harness.Clock.GetUtcNow() + harness.Options.Value.SecretRotationOverlap, rotated.Value!.PreviousSecretExpiresAt);
        Assert.Equal([rotated.Value.Secret, subscription.Secrets[0].Value], stored.ActiveSecrets(harness.Clock.GetUtcNow()).Select(s => s.Value));
        harness.Clock.Advance(harness.Options.Value.SecretRotationOverlap + TimeSpan.FromSeconds(1));
        Assert.Equal([rotated.Value.Secret], stored.ActiveSecrets(harness.Clock.GetUtcNow()).Select(s => s.Value));
    }

    [Fact]
    public async Task Re_enabling_clears_the_disabled_reason()
    {
        var subscription = await harness.SubscribeAsync("a.test", "order.*");
        var disabled = await harness.SubscriptionService.UpdateAsync(subscription.Id, new(Status: "disabled"), subscription.ETag, CancellationToken.None);
        Assert.Equal(DisabledReason.Manual, disabled.Value!.DisabledReason);

        var enabled = await harness.SubscriptionService.UpdateAsync(subscription.Id, new(Status: "enabled"), disabled.Value.ETag, CancellationToken.None);

        Assert.Equal(SubscriptionStatus.Enabled, enabled.Value!.Status);
        Assert.Null(enabled.Value.DisabledReason);
    }

    [Fact]
    public async Task A_test_event_goes_to_that_subscription_alone()
    {
        var target = await harness.SubscribeAsync("a.test", "*");
        await harness.SubscribeAsync("b.test", "*");

        var receipt = await harness.SubscriptionService.SendTestAsync(target.Id, CancellationToken.None);

        Assert.Equal(SubscriptionService.TestEventType, receipt.Value!.Type);
        var job = Assert.Single(harness.Transport.Sent);
        Assert.Equal([target.Id], job.SubscriptionIds);
        Assert.Empty(harness.Transport.Notices);
    }

    [Fact]
    public async Task An_out_of_range_limit_is_a_validation_error()
    {
        var result = await harness.SubscriptionService.ListAsync(null, 0, null, CancellationToken.None);

        Assert.Equal("limit", Assert.Single(result.Error!.FieldErrors!.Keys));
    }
}
