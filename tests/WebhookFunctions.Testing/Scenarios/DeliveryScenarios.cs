using System.Text.Json;
using WebhookFunctions.Testing.Receivers;
using Xunit;

namespace WebhookFunctions.Testing.Scenarios;

/// <summary>
/// Publish → fan-out → signed POSTs to a real receiver, the same scenarios for every host: a test class per host
/// derives from this one and hands it the host (<see cref="IWebhookHost"/>) and a receiver that host can reach. Every
/// webhook's signature is checked by the receiver with the subscription's secret.
/// </summary>
public abstract class DeliveryScenarios(IWebhookHost host, WebhookReceiver receiver)
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    /// <summary>RFC 3339 UTC with exactly milliseconds: the one format of every timestamp the service writes.</summary>
    private const string UtcMilliseconds = @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$";

    private static readonly IReadOnlyList<TimeSpan> RetrySchedule = ScenarioSettings.RetrySchedule;

    private readonly ContractClient api = new(host);

    [ScenarioFact]
    public async Task Matching_subscribers_get_exactly_one_signed_delivery_and_others_none()
    {
        var type = Unique("order") + ".created";
        var exact = await SubscribeAsync(Unique("exact"), type);
        var prefix = await SubscribeAsync(Unique("prefix"), type.Split('.')[0] + ".*");
        var other = await SubscribeAsync(Unique("other"), Unique("invoice") + ".paid");

        var eventId = await api.PublishAcceptedAsync(type, """{"orderId":42,"note":"ünïcode"}""");

        await api.WaitForAttemptsAsync(eventId, attempts => attempts.Count(a => a.Outcome == "delivered") == 2);
        await host.WaitUntilIdleAsync();
        foreach (var subscriber in new[] { exact, prefix })
        {
            var webhook = Assert.Single(receiver.At(subscriber.Endpoint));
            AssertSignedBy(webhook, eventId, subscriber.Secret);
            using var envelope = JsonDocument.Parse(webhook.Body);
            Assert.Equal(eventId, envelope.RootElement.GetProperty("id").GetString());
            Assert.Equal(type, envelope.RootElement.GetProperty("type").GetString());
            Assert.Matches(UtcMilliseconds, envelope.RootElement.GetProperty("timestamp").GetString());
            Assert.Equal(42, envelope.RootElement.GetProperty("data").GetProperty("orderId").GetInt32());
            Assert.Equal("ünïcode", envelope.RootElement.GetProperty("data").GetProperty("note").GetString());
            Assert.Equal("application/json", webhook.Header("content-type").Split(';')[0]);
            Assert.StartsWith("WebhookFunctions/", webhook.Header("user-agent"), StringComparison.Ordinal);
        }

        Assert.Empty(receiver.At(other.Endpoint));
    }

    [ScenarioFact]
    public async Task Two_500s_then_a_200_is_delivered_on_the_third_attempt_with_one_webhook_id()
    {
        var type = Unique("flaky") + ".event";
        var subscriber = await SubscribeAsync(Unique("flaky"), type, Answer.Status(200), Answer.Status(500), Answer.Status(500));

        var eventId = await api.PublishAcceptedAsync(type);

        var attempts = await api.WaitForAttemptsAsync(eventId, list => list.Any(a => a.Outcome == "delivered"));
        Assert.Equal([(1, "failed", 500), (2, "failed", 500), (3, "delivered", 200)], attempts.Select(a => (a.Attempt, a.Outcome, a.StatusCode ?? 0)));
        Assert.All(attempts.Where(a => a.Outcome == "failed"), a => Assert.NotNull(a.NextAttemptAt));
        var received = receiver.At(subscriber.Endpoint);
        Assert.Equal(3, received.Count);
        Assert.All(received, webhook => AssertSignedBy(webhook, eventId, subscriber.Secret));
    }

    [ScenarioFact]
    public async Task Always_failing_is_dead_lettered_with_its_reason_listed_and_replayed_once_the_receiver_heals()
    {
        var type = Unique("doomed") + ".event";
        var subscriber = await SubscribeAsync(Unique("doomed"), type, Answer.Status(500, "down for maintenance"));

        var eventId = await api.PublishAcceptedAsync(type);

        var attempts = await api.WaitForAttemptsAsync(eventId, list => list.Any(a => a.Outcome == "deadLettered"));
        Assert.Equal(RetrySchedule.Count, attempts.Count);
        var deadLetter = Assert.Single(await api.WaitForDeadLettersAsync(subscriber.Id, 1));
        Assert.Equal(eventId, deadLetter.GetProperty("eventId").GetString());
        Assert.Equal(type, deadLetter.GetProperty("eventType").GetString());
        Assert.Equal("maxAttemptsExceeded", deadLetter.GetProperty("reason").GetString());
        Assert.Contains("HTTP 500", deadLetter.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(RetrySchedule.Count, deadLetter.GetProperty("attempts").GetInt32());
        Assert.Equal(500, deadLetter.GetProperty("lastStatusCode").GetInt32());
        Assert.Matches(UtcMilliseconds, deadLetter.GetProperty("firstAttemptAt").GetString());
        Assert.Matches(UtcMilliseconds, deadLetter.GetProperty("lastAttemptAt").GetString());

        receiver.AnswerFromNowOn(subscriber.Endpoint, Answer.Status(204));
        var replay = await api.ReplayAsync(subscriber.Id);

        Assert.Equal((1, 1), (replay.GetProperty("matched").GetInt32(), replay.GetProperty("replayed").GetInt32()));
        var replayed = await api.WaitForAttemptsAsync(eventId, list => list.Any(a => a.Outcome == "delivered"));
        Assert.Equal(1, replayed.Single(a => a.Outcome == "delivered").Attempt);
        Assert.Empty(await api.DeadLettersAsync(subscriber.Id));
        Assert.Equal(RetrySchedule.Count + 1, receiver.At(subscriber.Endpoint).Count);
    }

    [ScenarioFact]
    public async Task A_purge_by_event_type_removes_that_dead_letter_and_the_other_stays_listed()
    {
        var prefix = Unique("purge");
        var subscriber = await SubscribeAsync(Unique("purged"), prefix + ".*", Answer.Status(500));
        var doomed = await api.PublishAcceptedAsync(prefix + ".doomed");
        var kept = await api.PublishAcceptedAsync(prefix + ".kept");
        await api.WaitForDeadLettersAsync(subscriber.Id, 2);
        var query = $"subscriptionId={subscriber.Id}&eventType={prefix}.doomed";

        var counted = await api.PurgeAsync(query + "&dryRun=true");
        Assert.Equal(2, (await api.DeadLettersAsync(subscriber.Id)).Count);
        var purged = await api.PurgeAsync(query);

        Assert.Equal("""{"matched":1,"purged":0,"continuationToken":null}""", counted.GetRawText());
        Assert.Equal("""{"matched":1,"purged":1,"continuationToken":null}""", purged.GetRawText());
        var left = Assert.Single(await api.DeadLettersAsync(subscriber.Id));
        Assert.Equal((kept, prefix + ".kept"), (left.GetProperty("eventId").GetString(), left.GetProperty("eventType").GetString()));
        Assert.DoesNotContain(doomed, (await api.DeadLettersAsync(subscriber.Id)).Select(d => d.GetProperty("eventId").GetString()));
        Assert.Equal("""{"matched":0,"purged":0,"continuationToken":null}""", (await api.PurgeAsync(query)).GetRawText());
    }

    [ScenarioFact]
    public async Task A_410_disables_the_subscription_as_endpoint_gone_until_it_is_enabled_again()
    {
        var type = Unique("gone") + ".event";
        var subscriber = await SubscribeAsync(Unique("gone"), type, Answer.Status(200), Answer.Status(410));

        var eventId = await api.PublishAcceptedAsync(type);

        var attempts = await api.WaitForAttemptsAsync(eventId, list => list.Any(a => a.Outcome == "deadLettered"));
        Assert.Equal((1, 410), (attempts[^1].Attempt, attempts[^1].StatusCode ?? 0));
        var (subscription, etag) = await api.GetSubscriptionAsync(subscriber.Id);
        Assert.Equal("disabled", subscription.GetProperty("status").GetString());
        Assert.Equal("endpointGone", subscription.GetProperty("disabledReason").GetString());
        Assert.Equal("endpointGone", Assert.Single(await api.WaitForDeadLettersAsync(subscriber.Id, 1)).GetProperty("reason").GetString());
        Assert.Single(receiver.At(subscriber.Endpoint));

        var enabled = await api.PatchSubscriptionAsync(subscriber.Id, """{"status":"enabled"}""", etag);
        Assert.Equal("enabled", enabled.GetProperty("status").GetString());
        var next = await api.PublishAcceptedAsync(type);

        await api.WaitForAttemptsAsync(next, list => list.Any(a => a.Outcome == "delivered"));
        AssertSignedBy(receiver.At(subscriber.Endpoint)[^1], next, subscriber.Secret);
    }

    [ScenarioFact]
    public async Task The_same_idempotency_key_twice_publishes_and_delivers_once()
    {
        var type = Unique("once") + ".event";
        var subscriber = await SubscribeAsync(Unique("once"), type);
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() };

        var first = await api.PublishAsync(type, """{"n":1}""", key);
        var second = await api.PublishAsync(type, """{"n":1}""", key);

        Assert.True(first.StatusCode == 202, first.ToString());
        Assert.True(second.StatusCode == 202, second.ToString());
        var eventId = first.Json().GetProperty("id").GetString()!;
        Assert.Equal(eventId, second.Json().GetProperty("id").GetString());
        await api.WaitForAttemptsAsync(eventId, list => list.Any(a => a.Outcome == "delivered"));
        await host.WaitUntilIdleAsync();
        var webhook = Assert.Single(receiver.At(subscriber.Endpoint));
        AssertSignedBy(webhook, eventId, subscriber.Secret);
        Assert.Contains("\"n\":1", webhook.BodyText, StringComparison.Ordinal);
    }

    [ScenarioFact]
    public async Task After_rotation_both_signatures_are_sent_and_each_verifies()
    {
        var type = Unique("rotate") + ".event";
        var subscriber = await SubscribeAsync(Unique("rotate"), type);
        var newSecret = await api.RotateSecretAsync(subscriber.Id);
        receiver.Trust(subscriber.Endpoint, newSecret);

        var eventId = await api.PublishAcceptedAsync(type);

        var webhook = Assert.Single(await receiver.WaitForAsync(subscriber.Endpoint, 1));
        Assert.Equal(2, webhook.Header("webhook-signature").Split(' ').Length);
        Assert.True(webhook.VerifiesWith(subscriber.Secret), "The signature made with the previous secret does not verify.");
        Assert.True(webhook.VerifiesWith(newSecret), "The signature made with the new secret does not verify.");
        Assert.Equal(eventId, webhook.Header("webhook-id"));
    }

    [ScenarioFact]
    public async Task A_Retry_After_longer_than_the_scheduled_delay_and_within_twice_it_sets_when_the_retry_comes()
    {
        // Honoured within [scheduled delay, 2 × scheduled delay]: a Retry-After one second longer than the delay
        // before attempt 2, and inside that window, must move attempt 2 later than its schedule would.
        var scheduled = RetrySchedule[1];
        var retryAfter = scheduled + TimeSpan.FromSeconds(1);
        Assert.InRange(retryAfter, scheduled, 2 * scheduled);
        var type = Unique("busy") + ".event";
        var subscriber = await SubscribeAsync(Unique("busy"), type, Answer.Status(200), Answer.RetryAfter(503, retryAfter));

        var eventId = await api.PublishAcceptedAsync(type);

        var attempts = await api.WaitForAttemptsAsync(eventId, list => list.Any(a => a.Outcome == "delivered"));
        Assert.Equal([(1, "failed", 503), (2, "delivered", 200)], attempts.Select(a => (a.Attempt, a.Outcome, a.StatusCode ?? 0)));
        Assert.InRange(attempts[0].NextAttemptAt!.Value - attempts[0].At, retryAfter, 2 * scheduled);
        var received = receiver.At(subscriber.Endpoint);
        // The receiver's clock reads each arrival a little after its attempt began; 100 ms covers that skew.
        Assert.True(
            received[1].ReceivedAt - received[0].ReceivedAt >= retryAfter - TimeSpan.FromMilliseconds(100),
            $"The retry came {(received[1].ReceivedAt - received[0].ReceivedAt).TotalSeconds:F2} s after the 503 with Retry-After {retryAfter.TotalSeconds} s.");
    }

    [ScenarioFact]
    public async Task The_publishers_trace_continues_in_the_receivers_traceparent()
    {
        var type = Unique("traced") + ".event";
        var subscriber = await SubscribeAsync(Unique("traced"), type);

        var eventId = await api.PublishAcceptedAsync(type, headers: new Dictionary<string, string> { ["traceparent"] = $"00-{TraceId}-00f067aa0ba902b7-01" });

        var webhook = Assert.Single(await receiver.WaitForAsync(subscriber.Endpoint, 1));
        AssertSignedBy(webhook, eventId, subscriber.Secret);
        Assert.Equal(TraceId, webhook.Header("traceparent").Split('-')[1]);
    }

    [ScenarioFact]
    public async Task A_hanging_receiver_times_out_and_the_retry_delivers()
    {
        var type = Unique("slow") + ".event";
        var subscriber = await SubscribeAsync(Unique("slow"), type, Answer.Status(200), Answer.Hang);

        var eventId = await api.PublishAcceptedAsync(type);

        var attempts = await api.WaitForAttemptsAsync(eventId, list => list.Any(a => a.Outcome == "delivered"));
        Assert.Equal([(1, "failed", "timeout"), (2, "delivered", null)], attempts.Select(a => (a.Attempt, a.Outcome, a.Error)));
        var timeout = ScenarioSettings.AttemptTimeout.TotalMilliseconds;
        Assert.InRange(attempts[0].DurationMs, timeout * 0.9, timeout * 3);
        Assert.Equal(2, receiver.At(subscriber.Endpoint).Count);
    }

    [ScenarioFact]
    public async Task Pending_deliveries_to_a_deleted_subscription_end_as_skipped_and_are_not_dead_lettered()
    {
        var type = Unique("deleted") + ".event";
        var subscriber = await SubscribeAsync(Unique("deleted"), type, Answer.Status(500));

        var eventId = await api.PublishAcceptedAsync(type);
        await api.WaitForAttemptsAsync(eventId, list => list.Any(a => a.Outcome == "failed"));
        await api.DeleteSubscriptionAsync(subscriber.Id);

        var attempts = await api.WaitForAttemptsAsync(eventId, list => list.Any(a => a.Outcome == "skipped"));
        Assert.Equal("subscriptionDeleted", attempts.Single(a => a.Outcome == "skipped").Error);
        await host.WaitUntilIdleAsync();
        Assert.Empty(await api.DeadLettersAsync(subscriber.Id));
    }

    [ScenarioFact]
    public async Task The_test_route_sends_a_signed_webhook_test_event_to_that_subscription_alone()
    {
        var subscriber = await SubscribeAsync(Unique("probe"), Unique("never") + ".sent");

        var eventId = await api.SendTestAsync(subscriber.Id);

        var webhook = Assert.Single(await receiver.WaitForAsync(subscriber.Endpoint, 1));
        AssertSignedBy(webhook, eventId, subscriber.Secret);
        Assert.Contains("\"type\":\"webhook.test\"", webhook.BodyText, StringComparison.Ordinal);
    }

    /// <summary>A Standard Webhooks secret, chosen by the test so a receiver can trust it before the subscription exists.</summary>
    private static string NewSecret() => "whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>A name unique to this run, for event types and endpoints.</summary>
    protected static string Unique(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..(prefix.Length + 8)];

    private static void AssertSignedBy(ReceivedWebhook webhook, string eventId, string secret)
    {
        Assert.Equal(eventId, webhook.Header("webhook-id"));
        Assert.True(webhook.VerifiesWith(secret), $"The webhook {eventId} at {webhook.Endpoint} is not signed with its subscription's secret: {webhook.Header("webhook-signature")}.");
    }

    [ScenarioFact]
    public async Task An_operator_subscribed_to_webhook_events_learns_that_an_endpoint_is_failing_dead_lettered_and_disabled()
    {
        var type = Unique("vanished") + ".event";
        var operatorEndpoint = await SubscribeAsync(Unique("operator"), "webhook.*");
        var vanished = await SubscribeAsync(Unique("vanished"), type, Answer.Status(410));

        var eventId = await api.PublishAcceptedAsync(type);

        string[] expected = ["webhook.delivery.deadLettered", "webhook.endpoint.disabled", "webhook.endpoint.failing"];
        await Waiting.Eventually.HoldsAsync(
            () => AboutAt(operatorEndpoint, vanished.Id).Count >= expected.Length,
            $"the operator's endpoint to get {string.Join(", ", expected)} about the vanished one");
        var raised = AboutAt(operatorEndpoint, vanished.Id);
        Assert.Equal(expected, raised.Select(r => r.Type).Order(StringComparer.Ordinal));
        foreach (var (webhook, _, data) in raised)
        {
            AssertSignedBy(webhook, webhook.Header("webhook-id"), operatorEndpoint.Secret);
            Assert.Equal(vanished.Id, data.GetProperty("subscriptionId").GetString());
            Assert.EndsWith(vanished.Endpoint, data.GetProperty("url").GetString(), StringComparison.Ordinal);
            Assert.Equal(eventId, data.GetProperty("eventId").GetString());
        }

        Assert.Equal("endpointGone", raised.Single(r => r.Type == "webhook.endpoint.disabled").Data.GetProperty("reason").GetString());
        var deadLettered = raised.Single(r => r.Type == "webhook.delivery.deadLettered").Data;
        Assert.Equal(("endpointGone", 1, type), (deadLettered.GetProperty("reason").GetString(), deadLettered.GetProperty("attempts").GetInt32(), deadLettered.GetProperty("eventType").GetString()));
    }

    [ScenarioFact]
    public async Task An_operator_endpoint_that_fails_on_operational_events_raises_none_about_itself()
    {
        var type = Unique("broken") + ".event";
        var watcher = await SubscribeAsync(Unique("watcher"), "webhook.*");
        var gone = await SubscribeAsync(Unique("goneoperator"), "webhook.*", Answer.Status(410));
        var broken = await SubscribeAsync(Unique("broken"), type, Answer.Status(410));

        await api.PublishAcceptedAsync(type);

        // The gone operator gets events about the broken subscription, answers 410 and is disabled: a failure that
        // raises nothing, since it receives operational events itself. Once the host is idle, nothing more can come.
        await Waiting.Eventually.HoldsAsync(() => receiver.At(gone.Endpoint).Count > 0, "an operational event at the gone operator");
        await Waiting.Eventually.HoldsAsync(
            async () => (await api.GetSubscriptionAsync(gone.Id)).Subscription.GetProperty("status").GetString() == "disabled",
            "the gone operator disabled");
        await host.WaitUntilIdleAsync();
        Assert.NotEmpty(AboutAt(watcher, broken.Id));
        Assert.Empty(AboutAt(watcher, gone.Id));
        Assert.Empty(AboutAt(gone, gone.Id));
    }

    [ScenarioFact]
    public async Task An_operator_learns_once_that_an_endpoint_is_failing_and_then_that_it_recovered()
    {
        var type = Unique("wobbly") + ".event";
        var operatorEndpoint = await SubscribeAsync(Unique("operator"), "webhook.endpoint.*");
        var wobbly = await SubscribeAsync(Unique("wobbly"), type, Answer.Status(200), Answer.Status(500), Answer.Status(500));

        var eventId = await api.PublishAcceptedAsync(type);

        await api.WaitForAttemptsAsync(eventId, list => list.Any(a => a.Outcome == "delivered"));
        await Waiting.Eventually.HoldsAsync(
            () => AboutAt(operatorEndpoint, wobbly.Id).Any(r => r.Type == "webhook.endpoint.recovered"),
            "the operator's endpoint to hear that the wobbly one recovered");
        await host.WaitUntilIdleAsync();
        var raised = AboutAt(operatorEndpoint, wobbly.Id);
        Assert.Equal(["webhook.endpoint.failing", "webhook.endpoint.recovered"], raised.Select(r => r.Type).Order(StringComparer.Ordinal));
        var failing = raised.Single(r => r.Type == "webhook.endpoint.failing").Data;
        var recovered = raised.Single(r => r.Type == "webhook.endpoint.recovered").Data;
        Assert.Equal(failing.GetProperty("failingSince").GetString(), recovered.GetProperty("failingSince").GetString());
        Assert.Equal(500, failing.GetProperty("statusCode").GetInt32());
    }

    [ScenarioFact]
    public async Task Dead_letters_past_the_limit_of_a_window_reach_the_operator_as_one_event_counting_them_by_reason()
    {
        // A job ends at its first 413 (payloadRejected, at once) or after its last 500 (maxAttemptsExceeded, about 4 s
        // later): exactly `Rejected` of the burst end rejected, whichever they are, and all within one window.
        const int Rejected = 4;
        const int Exhausted = 3;
        var limit = ScenarioSettings.DeadLetterEventsPerWindow;
        Assert.True(limit < Rejected, $"The burst must go past the limit of {limit} with its first dead letters.");
        var type = Unique("burst") + ".event";
        var operatorEndpoint = await SubscribeAsync(Unique("operator"), "webhook.delivery.deadLettered");
        var burst = await SubscribeAsync(Unique("burst"), type, Answer.Status(500), Enumerable.Repeat(Answer.Status(413), Rejected).ToArray());

        var eventIds = new List<string>();
        for (var n = 0; n < Rejected + Exhausted; n++)
        {
            eventIds.Add(await api.PublishAcceptedAsync(type, $$"""{"n":{{n}}}"""));
        }

        await api.WaitForDeadLettersAsync(burst.Id, Rejected + Exhausted);
        // The summary is raised when the window ends; then every dead letter is counted, one by one or in it.
        await Waiting.Eventually.HoldsAsync(
            () => AboutAt(operatorEndpoint, burst.Id).Sum(r => r.Data.GetProperty("count").GetInt32()) >= Rejected + Exhausted,
            $"the operator's endpoint to hear of all {Rejected + Exhausted} dead letters of the burst",
            ScenarioSettings.CoalescingWindow + Waiting.Eventually.DefaultPatience);
        await host.WaitUntilIdleAsync();

        var deadLetters = await api.DeadLettersAsync(burst.Id);
        Assert.Equal(eventIds.Order(StringComparer.Ordinal), deadLetters.Select(d => d.GetProperty("eventId").GetString()!).Order(StringComparer.Ordinal));
        var listedByReason = CountByReason(deadLetters.Select(d => d.GetProperty("reason").GetString()!));
        Assert.Equal([("maxAttemptsExceeded", Exhausted), ("payloadRejected", Rejected)], listedByReason);

        var raised = AboutAt(operatorEndpoint, burst.Id);
        foreach (var (webhook, raisedType, data) in raised)
        {
            Assert.Equal("webhook.delivery.deadLettered", raisedType);
            AssertSignedBy(webhook, webhook.Header("webhook-id"), operatorEndpoint.Secret);
            Assert.Equal(burst.Id, data.GetProperty("subscriptionId").GetString());
            Assert.EndsWith(burst.Endpoint, data.GetProperty("url").GetString(), StringComparison.Ordinal);
        }

        // The first dead letters of the window, sent one by one, are rejected ones: the exhausted come seconds later.
        var oneByOne = raised.Where(r => r.Data.GetProperty("eventId").ValueKind == JsonValueKind.String).Select(r => r.Data).ToList();
        Assert.Equal(Enumerable.Repeat("payloadRejected", limit), oneByOne.Select(data => data.GetProperty("reason").GetString()));
        foreach (var data in oneByOne)
        {
            var deadLetter = deadLetters.Single(d => d.GetProperty("eventId").GetString() == data.GetProperty("eventId").GetString());
            Assert.Equal(
                (1, deadLetter.GetProperty("reason").GetString(), deadLetter.GetProperty("attempts").GetInt32(), type),
                (data.GetProperty("count").GetInt32(), data.GetProperty("reason").GetString(), data.GetProperty("attempts").GetInt32(), data.GetProperty("eventType").GetString()));
        }

        var summary = Assert.Single(raised, r => r.Data.GetProperty("eventId").ValueKind == JsonValueKind.Null).Data;
        Assert.Equal(Rejected + Exhausted - limit, summary.GetProperty("count").GetInt32());
        var sentOneByOne = oneByOne.Select(data => data.GetProperty("reason").GetString()!).ToList();
        var notSentOneByOne = listedByReason
            .Select(reason => (reason.Reason, Count: reason.Count - sentOneByOne.Count(sent => sent == reason.Reason)))
            .Where(reason => reason.Count > 0)
            .ToList();
        Assert.Equal(notSentOneByOne, summary.GetProperty("reasons").EnumerateObject().Select(p => (p.Name, p.Value.GetInt32())).OrderBy(p => p.Name, StringComparer.Ordinal).ToList());
        Assert.Matches(UtcMilliseconds, summary.GetProperty("from").GetString());
        Assert.Matches(UtcMilliseconds, summary.GetProperty("until").GetString());
        var from = DateTimeOffset.Parse(summary.GetProperty("from").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var until = DateTimeOffset.Parse(summary.GetProperty("until").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(until - from, TimeSpan.Zero, ScenarioSettings.CoalescingWindow);
    }

    /// <summary>(reason, how many), in ordinal order of the reason.</summary>
    private static List<(string Reason, int Count)> CountByReason(IEnumerable<string> reasons) =>
        reasons.GroupBy(reason => reason, StringComparer.Ordinal).Select(g => (g.Key, g.Count())).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();

    [ScenarioFact]
    public async Task A_subscription_asking_for_verification_is_enabled_once_its_endpoint_echoes_the_signed_challenge()
    {
        var type = Unique("verified") + ".event";
        var secret = NewSecret();
        var owned = Unique("owned");
        var url = receiver.Endpoint(owned, Answer.EchoChallenge);
        receiver.Trust(owned, secret);

        var (id, status) = await api.SubscribeWithVerificationAsync(url, type, secret);

        Assert.Equal("enabled", status);
        var handshake = Assert.Single(receiver.At(owned));
        AssertSignedBy(handshake, handshake.Header("webhook-id"), secret);
        using (var envelope = JsonDocument.Parse(handshake.Body))
        {
            Assert.Equal("webhook.verification", envelope.RootElement.GetProperty("type").GetString());
            Assert.Equal(id, envelope.RootElement.GetProperty("subject").GetString());
            Assert.False(string.IsNullOrEmpty(envelope.RootElement.GetProperty("data").GetProperty("challenge").GetString()));
        }

        var eventId = await api.PublishAcceptedAsync(type);
        await api.WaitForAttemptsAsync(eventId, list => list.Any(a => a.Outcome == "delivered"));

        // Moving it to an endpoint that does not echo sends it back to pendingVerification.
        var elsewhere = Unique("elsewhere");
        var (_, etag) = await api.GetSubscriptionAsync(id);
        var moved = await api.PatchSubscriptionAsync(id, JsonSerializer.Serialize(new { url = receiver.Endpoint(elsewhere, Answer.Status(200)) }), etag);
        Assert.Equal("pendingVerification", moved.GetProperty("status").GetString());
        Assert.Single(receiver.At(elsewhere));
    }

    [ScenarioFact]
    public async Task A_pending_subscription_gets_nothing_but_handshakes_and_verify_retries_until_the_endpoint_echoes()
    {
        var type = Unique("pending") + ".event";
        var secret = NewSecret();
        var slow = Unique("slow");

        // The first handshake times out; the second gets a 200 without the challenge.
        var url = receiver.Endpoint(slow, Answer.Status(200, "OK"), Answer.Hang);
        receiver.Trust(slow, secret);
        var (id, status) = await api.SubscribeWithVerificationAsync(url, type, secret);
        Assert.Equal("pendingVerification", status);

        var missed = await api.PublishAcceptedAsync(type);
        var skipped = Assert.Single(await api.WaitForAttemptsAsync(missed, list => list.Count > 0));
        Assert.Equal(("skipped", "pendingVerification"), (skipped.Outcome, skipped.Error));

        var refused = await api.VerifyAsync(id);
        Assert.Equal(422, refused.StatusCode);
        Assert.Contains("challenge", refused.Json().GetProperty("detail").GetString(), StringComparison.Ordinal);

        receiver.AnswerFromNowOn(slow, Answer.EchoChallenge);
        var passed = await api.VerifyAsync(id);
        Assert.Equal(200, passed.StatusCode);
        Assert.Equal("enabled", passed.Json().GetProperty("status").GetString());

        var next = await api.PublishAcceptedAsync(type);
        await api.WaitForAttemptsAsync(next, list => list.Any(a => a.Outcome == "delivered"));
        var types = receiver.At(slow).Select(webhook => JsonDocument.Parse(webhook.Body).RootElement.GetProperty("type").GetString()).ToList();
        Assert.Equal(["webhook.verification", "webhook.verification", "webhook.verification", type], types);
    }

    [ScenarioFact]
    public async Task A_filtered_subscription_gets_only_the_events_its_filter_matches_and_an_unfiltered_one_gets_all()
    {
        var type = Unique("order") + ".created";
        var filteredEndpoint = Unique("filtered");
        var filtered = await api.SubscribeAsync(
            receiver.Endpoint(filteredEndpoint),
            [type],
            tenantId: null,
            filterJson: """{"data.amount": {"$gte": 1000}, "data.lines.0.sku": {"$startsWith": "EU-"}}""");
        receiver.Trust(filteredEndpoint, filtered.Secret);
        var all = await SubscribeAsync(Unique("all"), type);

        var small = await api.PublishAcceptedAsync(type, """{"amount": 999, "lines": [{"sku": "EU-1"}]}""");
        var otherRegion = await api.PublishAcceptedAsync(type, """{"amount": 18446744073709551617, "lines": [{"sku": "US-1"}]}""");
        var match = await api.PublishAcceptedAsync(type, """{"amount": 1000.0, "lines": [{"sku": "EU-7"}]}""");

        foreach (var eventId in new[] { small, otherRegion, match })
        {
            await api.WaitForAttemptsAsync(eventId, list => list.Any(a => a.SubscriptionId == all.Id && a.Outcome == "delivered"));
        }

        await host.WaitUntilIdleAsync();
        AssertSignedBy(Assert.Single(receiver.At(filteredEndpoint)), match, filtered.Secret);
        Assert.Equal(3, receiver.At(all.Endpoint).Count);
        foreach (var eventId in new[] { small, otherRegion })
        {
            Assert.DoesNotContain(await api.DeliveriesAsync(eventId), a => a.SubscriptionId == filtered.Id);
        }
    }

    [ScenarioFact]
    public async Task A_patch_of_the_filter_alone_changes_which_events_the_subscription_gets_at_once()
    {
        var type = Unique("shipment") + ".sent";
        var filteredEndpoint = Unique("refiltered");
        var filtered = await api.SubscribeAsync(receiver.Endpoint(filteredEndpoint), [type], tenantId: null, filterJson: """{"data.region": "EU"}""");
        receiver.Trust(filteredEndpoint, filtered.Secret);
        var all = await SubscribeAsync(Unique("all"), type);

        var euBefore = await api.PublishAcceptedAsync(type, """{"region": "EU"}""");
        await api.WaitForAttemptsAsync(euBefore, list => list.Any(a => a.SubscriptionId == filtered.Id && a.Outcome == "delivered"));
        var (_, etag) = await api.GetSubscriptionAsync(filtered.Id);
        var patched = await api.PatchSubscriptionAsync(filtered.Id, """{"filter": {"data.region": "US"}}""", etag);
        Assert.Equal("US", patched.GetProperty("filter").GetProperty("data.region").GetString());
        var euAfter = await api.PublishAcceptedAsync(type, """{"region": "EU"}""");
        var us = await api.PublishAcceptedAsync(type, """{"region": "US"}""");
        await api.WaitForAttemptsAsync(us, list => list.Any(a => a.SubscriptionId == filtered.Id && a.Outcome == "delivered"));
        (_, etag) = await api.GetSubscriptionAsync(filtered.Id);
        await api.PatchSubscriptionAsync(filtered.Id, """{"filter": null}""", etag);
        var apac = await api.PublishAcceptedAsync(type, """{"region": "APAC"}""");

        foreach (var eventId in new[] { euAfter, apac })
        {
            await api.WaitForAttemptsAsync(eventId, list => list.Any(a => a.SubscriptionId == all.Id && a.Outcome == "delivered"));
        }

        await api.WaitForAttemptsAsync(apac, list => list.Any(a => a.SubscriptionId == filtered.Id && a.Outcome == "delivered"));
        await host.WaitUntilIdleAsync();
        Assert.Equal(new[] { euBefore, us, apac }.Order(StringComparer.Ordinal), receiver.At(filteredEndpoint).Select(w => w.Header("webhook-id")).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(await api.DeliveriesAsync(euAfter), a => a.SubscriptionId == filtered.Id);
        Assert.Equal(4, receiver.At(all.Endpoint).Count);
    }

    [ScenarioFact]
    public async Task A_tenants_event_reaches_only_that_tenants_endpoints_and_an_event_without_a_tenant_only_tenant_less_ones()
    {
        var type = Unique("invoice") + ".paid";
        var prefix = type.Split('.')[0] + ".*";
        var tenantA = Unique("tenant-a");
        var tenantB = Unique("tenant-b");
        var a1 = await SubscribeForTenantAsync(tenantA, type);
        var a2 = await SubscribeForTenantAsync(tenantA, prefix);
        var b1 = await SubscribeForTenantAsync(tenantB, type);
        var none = await SubscribeForTenantAsync(null, prefix);

        var forA = await api.PublishAcceptedAsync(type, """{"n":1}""", tenantId: tenantA);
        var forB = await PublishCloudEventAsync(type, tenantB);
        var forNone = await api.PublishAcceptedAsync(type, """{"n":3}""");

        foreach (var (eventId, expected) in new[] { (forA, 2), (forB, 1), (forNone, 1) })
        {
            await api.WaitForAttemptsAsync(eventId, list => list.Count(a => a.Outcome == "delivered") >= expected);
        }

        await host.WaitUntilIdleAsync();
        Assert.Equal([forA], EventIdsAt(a1));
        Assert.Equal([forA], EventIdsAt(a2));
        Assert.Equal([forB], EventIdsAt(b1));
        Assert.Equal([forNone], EventIdsAt(none));
        Assert.Equal(Ids(a1, a2), (await api.DeliveriesAsync(forA)).Select(a => a.SubscriptionId).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(Ids(b1), (await api.DeliveriesAsync(forB)).Select(a => a.SubscriptionId).Distinct());
    }

    [ScenarioFact]
    public async Task Subscriptions_list_by_tenant_and_a_patch_cannot_move_one_to_another_tenant()
    {
        var tenant = Unique("tenant-l");
        var mine = await SubscribeForTenantAsync(tenant, "x.y");
        await SubscribeForTenantAsync(Unique("tenant-m"), "x.y");

        var listed = await host.SendAsync(new ContractRequest(HttpMethod.Get, $"/api/subscriptions?tenantId={tenant}"));
        var item = Assert.Single(listed.Json().GetProperty("items").EnumerateArray());
        Assert.Equal((mine.Id, tenant), (item.GetProperty("id").GetString(), item.GetProperty("tenantId").GetString()));

        var (_, etag) = await api.GetSubscriptionAsync(mine.Id);
        var refused = await host.SendAsync(new ContractRequest(HttpMethod.Patch, $"/api/subscriptions/{mine.Id}", """{"tenantId":"someone-else"}""", new Dictionary<string, string> { ["If-Match"] = etag }));
        Assert.True(refused.StatusCode == 400, refused.ToString());
        Assert.True(refused.Json().GetProperty("errors").TryGetProperty("tenantId", out _), refused.ToString());
        var invalidFilter = await host.SendAsync(new ContractRequest(HttpMethod.Get, "/api/subscriptions?tenantId=not%20valid"));
        Assert.Equal(400, invalidFilter.StatusCode);
    }

    private async Task<ScenarioSubscriber> SubscribeForTenantAsync(string? tenantId, string eventType)
    {
        var endpoint = Unique("t");
        var subscriber = await api.SubscribeAsync(receiver.Endpoint(endpoint), [eventType], tenantId);
        receiver.Trust(endpoint, subscriber.Secret);
        return new ScenarioSubscriber(subscriber.Id, subscriber.Secret, endpoint);
    }

    private async Task<string> PublishCloudEventAsync(string type, string tenantId)
    {
        var cloudEvent = $$$"""{"specversion":"1.0","id":"{{{Guid.NewGuid():N}}}","source":"/tests","type":"{{{type}}}","tenantid":"{{{tenantId}}}","data":{"n":2}}""";
        var published = await host.SendAsync(new ContractRequest(HttpMethod.Post, "/api/events", cloudEvent, ContentType: "application/cloudevents+json"));
        Assert.True(published.StatusCode == 202, published.ToString());
        var id = published.Json().GetProperty("id").GetString()!;
        var read = await host.SendAsync(new ContractRequest(HttpMethod.Get, $"/api/events/{id}"));
        Assert.Equal(tenantId, read.Json().GetProperty("tenantId").GetString());
        return id;
    }

    /// <summary>The operational events an endpoint got about one subscription (their subject), with their type and data.</summary>
    private List<(ReceivedWebhook Webhook, string Type, JsonElement Data)> AboutAt(ScenarioSubscriber subscriber, string subscriptionId) =>
        receiver.At(subscriber.Endpoint)
            .Select(webhook => (Webhook: webhook, Envelope: JsonDocument.Parse(webhook.Body).RootElement))
            .Where(w => w.Envelope.TryGetProperty("subject", out var subject) && subject.GetString() == subscriptionId)
            .Select(w => (w.Webhook, w.Envelope.GetProperty("type").GetString()!, w.Envelope.GetProperty("data").Clone()))
            .ToList();

    private List<string> EventIdsAt(ScenarioSubscriber subscriber) =>
        receiver.At(subscriber.Endpoint).Select(webhook => JsonDocument.Parse(webhook.Body).RootElement.GetProperty("id").GetString()!).ToList();

    private static List<string> Ids(params ScenarioSubscriber[] subscribers) => subscribers.Select(s => s.Id).Order(StringComparer.Ordinal).ToList();

    /// <summary>Subscribes a new receiver endpoint, which trusts the secret the subscription was given.</summary>
    private async Task<ScenarioSubscriber> SubscribeAsync(string endpoint, string eventType, Answer? lasting = null, params Answer[] first)
    {
        var url = receiver.Endpoint(endpoint, lasting, first);
        var subscriber = await api.SubscribeAsync(url, eventType);
        receiver.Trust(endpoint, subscriber.Secret);
        return new ScenarioSubscriber(subscriber.Id, subscriber.Secret, endpoint);
    }

    private sealed record ScenarioSubscriber(string Id, string Secret, string Endpoint);
}
