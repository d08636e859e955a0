using Microsoft.Extensions.Options;

namespace WebhookFunctions.Engine.Delivery;

public sealed class WebhookSender(IHttpClientFactory httpClientFactory, IOptions<DeliveryOptions> options, TimeProvider timeProvider)
{
    public const string HttpClientName = "webhooks";

    public Task<SendResult> SendAsync(WebhookRequest request, CancellationToken cancellationToken) => throw new NotImplementedException(httpClientFactory + "" + options + timeProvider);
}
