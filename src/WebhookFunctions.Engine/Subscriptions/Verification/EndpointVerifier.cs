using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Events;

namespace WebhookFunctions.Engine.Subscriptions.Verification;

/// <summary>
/// The handshake that proves an endpoint is its owner's to call: a signed <c>webhook.verification</c> event carrying a
/// random <c>challenge</c>, which the endpoint must answer with a 2xx and <c>{"challenge": "&lt;same&gt;"}</c> within
/// the attempt timeout. It is sent like a delivery (egress guard, signature, timeout), stored as an event and logged
/// as an attempt of the subscription, so an operator sees each handshake and its answer.
/// </summary>
public sealed class EndpointVerifier(WebhookSender sender, IEventStore events, IDeliveryLog deliveryLog, TimeProvider timeProvider, ILogger<EndpointVerifier> logger)
{
    public const string EventType = "webhook.verification";

    public async Task<VerificationResult> VerifyAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        var challenge = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));
        var now = timeProvider.GetUtcNow();
        var handshake = new WebhookEvent(
            Ids.NewEventId(),
            EventType,
            Timestamps.Truncate(now),
            Subject: subscription.Id,
            Source: null,
            JsonSerializer.SerializeToUtf8Bytes(new { challenge }),
            Activity.Current?.Id,
            TenantId: subscription.TenantId);
        await events.TryAddAsync(handshake, cancellationToken);

        var body = EventEnvelope.Serialize(handshake);
        var result = await sender.SendAsync(new WebhookRequest(subscription.Url, body, WebhookHeaders.For(handshake, subscription, body, now, handshake.TraceParent)), cancellationToken);
        var verdict = Judge(result, challenge);
        await deliveryLog.AppendAsync(
            [new DeliveryAttempt(handshake.Id, subscription.Id, 1, now, (long)result.Duration.TotalMilliseconds, verdict.Passed ? AttemptOutcome.Delivered : AttemptOutcome.Failed, result.StatusCode, verdict.Passed ? null : result.Error ?? "verificationFailed", result.ResponseBody, null)],
            cancellationToken);
        logger.LogInformation("Verification of subscription {SubscriptionId}: {Outcome}", subscription.Id, verdict.Failure ?? "passed");
        return verdict;
    }

    private static VerificationResult Judge(SendResult result, string challenge)
    {
        if (result.StatusCode is not (>= 200 and < 300))
        {
            return VerificationResult.Fail(result.StatusCode is { } status
                ? $"The endpoint answered HTTP {status}; the handshake needs a 2xx with {{\"challenge\": \"...\"}}."
                : $"The endpoint gave no answer ({result.Error}).");
        }

        try
        {
            using var answer = JsonDocument.Parse(result.ResponseBody ?? "");
            if (answer.RootElement.ValueKind == JsonValueKind.Object
                && answer.RootElement.TryGetProperty("challenge", out var echoed)
                && echoed.ValueKind == JsonValueKind.String
                && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(echoed.GetString()!), System.Text.Encoding.UTF8.GetBytes(challenge)))
            {
                return VerificationResult.Pass;
            }

            return VerificationResult.Fail("The endpoint answered without the challenge it was sent.");
        }
        catch (JsonException)
        {
            return VerificationResult.Fail("The endpoint's answer is not JSON of the form {\"challenge\": \"...\"}.");
        }
    }
}
