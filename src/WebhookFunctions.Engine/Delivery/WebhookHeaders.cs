using System.Reflection;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Subscriptions;

namespace WebhookFunctions.Engine.Delivery;

/// <summary>The headers of one attempt: Standard Webhooks id/timestamp/signature, trace context, user agent, custom.</summary>
public static class WebhookHeaders
{
    public static readonly string UserAgent = "WebhookFunctions/" +
        (typeof(WebhookHeaders).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "1.0.0");

    public static IReadOnlyList<KeyValuePair<string, string>> For(
        WebhookEvent webhookEvent, Subscription subscription, ReadOnlySpan<byte> body, DateTimeOffset now, string? traceParent)
    {
        var timestamp = now.ToUnixTimeSeconds();
        var secrets = subscription.ActiveSecrets(now).Select(s => s.Value);
        var headers = new List<KeyValuePair<string, string>>(5 + subscription.Headers.Count)
        {
            new("webhook-id", webhookEvent.Id),
            new("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("webhook-signature", WebhookSigner.SignatureHeader(secrets, webhookEvent.Id, timestamp, body)),
            new("user-agent", UserAgent),
        };
        if (traceParent is not null)
        {
            headers.Add(new("traceparent", traceParent));
        }

        headers.AddRange(subscription.Headers);
        return headers;
    }
}
