using System.Globalization;
using System.Text;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Testing.Receivers;

namespace WebhookFunctions.UnitTests.TestKit;

/// <summary>The scenarios' signature checks can fail: the receiver verifies each signature of a request, and only those.</summary>
public sealed class WebhookReceiverTests : IAsyncLifetime
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"id":"evt_1","type":"order.created","data":{"note":"café"}}""");

    private readonly string trusted = WebhookSigner.NewSecret();
    private WebhookReceiver receiver = null!;
    private Uri url = null!;

    public async Task InitializeAsync()
    {
        receiver = await WebhookReceiver.StartAsync();
        url = new Uri(receiver.Endpoint("hooks"));
        receiver.Trust("hooks", trusted);
    }

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    [Fact]
    public async Task The_trusted_secrets_signature_verifies_also_when_it_is_the_second_of_two()
    {
        await PostAsync(Body, WebhookSigner.NewSecret(), trusted);

        Assert.True(Assert.Single(receiver.At("hooks")).VerifiesWith(trusted));
    }

    [Fact]
    public async Task A_signature_made_with_another_secret_does_not_verify()
    {
        await PostAsync(Body, WebhookSigner.NewSecret());

        Assert.Empty(Assert.Single(receiver.At("hooks")).VerifiedSecrets);
    }

    [Fact]
    public async Task A_body_changed_after_signing_does_not_verify()
    {
        await PostAsync(Body, trusted, sentBody: Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Body).Replace("café", "cafe", StringComparison.Ordinal)));

        Assert.False(Assert.Single(receiver.At("hooks")).VerifiesWith(trusted));
    }

    private async Task PostAsync(byte[] signedBody, params string[] secrets) => await PostAsync(signedBody, secrets, signedBody);

    private async Task PostAsync(byte[] signedBody, string secret, byte[] sentBody) => await PostAsync(signedBody, [secret], sentBody);

    private async Task PostAsync(byte[] signedBody, string[] secrets, byte[] sentBody)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(sentBody) };
        request.Headers.Add("webhook-id", "evt_1");
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSigner.SignatureHeader(secrets, "evt_1", timestamp, signedBody));
        using var response = await client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode);
    }
}
