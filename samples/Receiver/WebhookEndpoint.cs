using System.Text.Json;
using Microsoft.Extensions.Options;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace WebhookFunctions.Samples.Receiver;

/// <summary>
/// POST {Receiver:Path}: verify the signature, answer a verification handshake with its challenge, drop a copy already
/// handled, log what came.
/// </summary>
internal sealed class WebhookEndpoint(IOptions<ReceiverOptions> options, ReceivedWebhooks received, TimeProvider time, ILogger<WebhookEndpoint> logger)
{
    private const string IdHeader = "webhook-id";
    private const string TimestampHeader = "webhook-timestamp";
    private const string SignatureHeader = "webhook-signature";

    private readonly StandardWebhook verifier = new(options.Value.Secret);

    public async Task<IResult> HandleAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        if (Verify(body, request.Headers) is { } refusal)
        {
            logger.LogWarning("Refused a webhook that does not verify: {Reason}", refusal);
            return Results.Unauthorized();
        }

        var id = request.Headers[IdHeader].ToString();
        if (ChallengeOf(body) is { } challenge)
        {
            // Echoing the challenge proves this endpoint is ours to call; the service then enables the subscription.
            logger.LogInformation("Answered the verification handshake {WebhookId}", id);
            return Results.Ok(new { challenge });
        }

        var webhook = new ReceivedWebhook(id, TypeOf(body), time.GetUtcNow(), body);
        if (!received.TryAdd(webhook))
        {
            logger.LogInformation("Duplicate of {WebhookId} acknowledged, not handled again", id);
            return Results.Ok();
        }

        logger.LogInformation("Verified {Type} {WebhookId}: {Body}", webhook.Type, id, body);
        return Results.Ok();
    }

    /// <summary>Null when one of the signatures verifies; otherwise why none did.</summary>
    /// <remarks>
    /// While a secret is being rotated the header holds one signature per active secret, space-separated. The
    /// package's Verify (1.1.2) compares the last of several against the whole header, so it finds only a match that
    /// is not last; each signature is therefore verified on its own.
    /// </remarks>
    private string? Verify(string body, IHeaderDictionary headers)
    {
        var refusal = "no webhook-signature header";
        foreach (var signature in headers[SignatureHeader].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var one = new HeaderDictionary
            {
                [IdHeader] = headers[IdHeader],
                [TimestampHeader] = headers[TimestampHeader],
                [SignatureHeader] = signature,
            };
            try
            {
                verifier.Verify(body, one);
                return null;
            }
            catch (WebhookVerificationException ex)
            {
                refusal = ex.Message;
            }
        }

        return refusal;
    }

    /// <summary>The challenge of a <c>webhook.verification</c> event; null for any other webhook.</summary>
    private static string? ChallengeOf(string body)
    {
        try
        {
            using var envelope = JsonDocument.Parse(body);
            return envelope.RootElement.TryGetProperty("type", out var type) && type.GetString() == "webhook.verification"
                && envelope.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                && data.TryGetProperty("challenge", out var challenge) ? challenge.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? TypeOf(string body)
    {
        try
        {
            using var envelope = JsonDocument.Parse(body);
            return envelope.RootElement.TryGetProperty("type", out var type) ? type.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
