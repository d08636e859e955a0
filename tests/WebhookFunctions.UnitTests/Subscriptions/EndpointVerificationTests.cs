using System.Net;
using System.Text;
using System.Text.Json;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Delivery.Decisions;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.Engine.Subscriptions.Verification;
using WebhookFunctions.UnitTests.Fakes;

namespace WebhookFunctions.UnitTests.Subscriptions;

public sealed class EndpointVerificationTests : IDisposable
{
    private readonly EngineHarness harness = new();

    public void Dispose() => harness.Dispose();

    [Fact]
    public async Task An_endpoint_that_echoes_the_challenge_is_verified_and_enabled_at_create()
    {
        harness.Receiver.Answer("owned.test", EchoChallenge);

        var created = await CreateAsync("owned.test", verify: true);

        Assert.Equal(SubscriptionStatus.Enabled, created.Status);
        Assert.Equal(harness.Clock.GetUtcNow(), created.VerifiedAt);
        var (request, body) = Assert.Single(harness.Receiver.Received);
        using var envelope = JsonDocument.Parse(body);
        Assert.Equal(EndpointVerifier.EventType, envelope.RootElement.GetProperty("type").GetString());
        Assert.Equal(created.Id, envelope.RootElement.GetProperty("subject").GetString());
        var webhookId = request.Headers.GetValues("webhook-id").Single();
        var timestamp = long.Parse(request.Headers.GetValues("webhook-timestamp").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(WebhookSigner.Sign(created.Secrets[0].Value, webhookId, timestamp, body), request.Headers.GetValues("webhook-signature").Single());
        var logged = Assert.Single(harness.Log.Attempts);
        Assert.Equal((webhookId, AttemptOutcome.Delivered), (logged.EventId, logged.Outcome));
    }

    [Theory]
    [InlineData(HttpStatusCode.OK, """{"challenge":"not-the-one-sent"}""", "without the challenge it was sent")]
    [InlineData(HttpStatusCode.OK, "OK", "not JSON")]
    [InlineData(HttpStatusCode.InternalServerError, "", "HTTP 500")]
    public async Task An_endpoint_that_does_not_echo_stays_pending_and_verify_says_why(HttpStatusCode status, string answer, string why)
    {
        harness.Receiver.Answer("foreign.test", _ => new HttpResponseMessage(status) { Content = new StringContent(answer) });

        var created = await CreateAsync("foreign.test", verify: true);
        var retried = await harness.SubscriptionService.VerifyAsync(created.Id, CancellationToken.None);

        Assert.Equal(SubscriptionStatus.PendingVerification, created.Status);
        Assert.Equal(ErrorKind.Unprocessable, retried.Error?.Kind);
        Assert.Contains(why, retried.Error!.Detail, StringComparison.Ordinal);
        Assert.Contains("pendingVerification", retried.Error.Detail, StringComparison.Ordinal);
        Assert.All(harness.Log.Attempts, attempt => Assert.Equal(AttemptOutcome.Failed, attempt.Outcome));
        Assert.Equal(SubscriptionStatus.PendingVerification, (await harness.Subscriptions.GetAsync(created.Id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task Events_for_a_pending_subscription_are_logged_skipped_and_not_sent_until_verify_passes()
    {
        harness.Receiver.Answer("late.test", HttpStatusCode.NotFound);
        var created = await CreateAsync("late.test", verify: true);
        var missed = await harness.StoreEventAsync();

        await harness.ProcessAsync(new DeliveryJob(missed.Id, missed.Type, [created.Id], 1, null));

        var skipped = Assert.Single(harness.Log.Attempts, a => a.EventId == missed.Id);
        Assert.Equal((AttemptOutcome.Skipped, SkipReasons.PendingVerification), (skipped.Outcome, skipped.Error));
        Assert.Single(harness.Receiver.Received);

        harness.Receiver.Answer("late.test", EchoChallenge);
        var verified = await harness.SubscriptionService.VerifyAsync(created.Id, CancellationToken.None);
        Assert.Equal(SubscriptionStatus.Enabled, verified.Value!.Status);
        var next = await harness.StoreEventAsync();
        await harness.ProcessAsync(new DeliveryJob(next.Id, next.Type, [created.Id], 1, null));
        Assert.Equal(AttemptOutcome.Delivered, Assert.Single(harness.Log.Attempts, a => a.EventId == next.Id).Outcome);
    }

    [Fact]
    public async Task A_patch_that_changes_the_url_sends_it_back_to_pending_and_handshakes_the_new_url()
    {
        harness.Receiver.Answer("first.test", EchoChallenge);
        harness.Receiver.Answer("second.test", HttpStatusCode.OK);
        var created = await CreateAsync("first.test", verify: true);

        var moved = await harness.SubscriptionService.UpdateAsync(created.Id, new SubscriptionPatch(Url: "http://second.test/hook"), created.ETag, CancellationToken.None);

        Assert.Equal(SubscriptionStatus.PendingVerification, moved.Value!.Status);
        Assert.Null(moved.Value.VerifiedAt);
        Assert.Equal("second.test", harness.Receiver.Received.Last().Request.RequestUri!.Host);

        var forced = await harness.SubscriptionService.UpdateAsync(created.Id, new SubscriptionPatch(Status: "enabled"), moved.Value.ETag, CancellationToken.None);
        Assert.Equal(SubscriptionStatus.PendingVerification, forced.Value!.Status);
    }

    [Fact]
    public async Task A_patch_that_leaves_the_url_keeps_a_verified_subscription_enabled_without_a_handshake()
    {
        harness.Receiver.Answer("steady.test", EchoChallenge);
        var created = await CreateAsync("steady.test", verify: true);

        var patched = await harness.SubscriptionService.UpdateAsync(created.Id, new SubscriptionPatch(Description: "billing"), created.ETag, CancellationToken.None);

        Assert.Equal(SubscriptionStatus.Enabled, patched.Value!.Status);
        Assert.Single(harness.Receiver.Received);
    }

    [Fact]
    public async Task The_server_setting_makes_the_handshake_mandatory_and_without_it_none_is_sent()
    {
        harness.Receiver.Answer("plain.test", HttpStatusCode.OK);
        var unverified = await CreateAsync("plain.test", verify: null);
        Assert.Equal(SubscriptionStatus.Enabled, unverified.Status);
        Assert.Empty(harness.Receiver.Received);

        harness.VerificationOptions.Required = true;
        var mandatory = await CreateAsync("plain.test", verify: false);
        Assert.Equal(SubscriptionStatus.PendingVerification, mandatory.Status);
        Assert.True(mandatory.RequiresVerification);
        Assert.Single(harness.Receiver.Received);
    }

    /// <summary>What a receiver that owns its endpoint does: echo a handshake's challenge, accept anything else.</summary>
    private static HttpResponseMessage EchoChallenge(HttpRequestMessage request)
    {
        using var envelope = JsonDocument.Parse(request.Content!.ReadAsByteArrayAsync().GetAwaiter().GetResult());
        if (!envelope.RootElement.GetProperty("data").TryGetProperty("challenge", out var sent))
        {
            return new HttpResponseMessage(HttpStatusCode.OK);
        }

        var challenge = sent.GetString();
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(JsonSerializer.Serialize(new { challenge }), Encoding.UTF8, "application/json") };
    }

    private async Task<Subscription> CreateAsync(string host, bool? verify)
    {
        var created = await harness.SubscriptionService.CreateAsync(new SubscriptionInput($"http://{host}/hook", ["order.*"], Verify: verify), CancellationToken.None);
        Assert.True(created.Succeeded, created.Error?.Detail);
        return created.Value!.Subscription;
    }
}
