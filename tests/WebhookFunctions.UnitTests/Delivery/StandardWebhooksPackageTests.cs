using System.Text;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;
using WebhookFunctions.Engine.Delivery;

namespace WebhookFunctions.UnitTests.Delivery;

/// <summary>Our signatures against the official .NET StandardWebhooks package (1.1.2), as a .NET receiver verifies them.</summary>
public sealed class StandardWebhooksPackageTests
{
    private const string WebhookId = "evt_019acf3e6b2a7d3c8e5f6a7b8c9d0e1f";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"id":"evt_019acf3e6b2a7d3c8e5f6a7b8c9d0e1f","type":"order.created","timestamp":"2026-11-30T13:14:33.105Z","data":{"orderId":42}}""");
    private static readonly long Now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    [Fact]
    public void The_package_verifies_our_signature()
    {
        var secret = WebhookSigner.NewSecret();

        new StandardWebhook(secret).Verify(Encoding.UTF8.GetString(Body), Headers(WebhookSigner.SignatureHeader([secret], WebhookId, Now, Body)));
    }

    [Fact]
    public void The_package_refuses_a_signature_of_another_secret_or_body()
    {
        var secret = WebhookSigner.NewSecret();
        var header = WebhookSigner.SignatureHeader([WebhookSigner.NewSecret()], WebhookId, Now, Body);

        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook(secret).Verify(Encoding.UTF8.GetString(Body), Headers(header)));
        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook(secret).Verify(
            Encoding.UTF8.GetString(Body) + " ",
            Headers(WebhookSigner.SignatureHeader([secret], WebhookId, Now, Body))));
    }

    /// <summary>
    /// During a rotation the header holds a signature per active secret. The package finds the match when it is first,
    /// but compares the last of several against the whole header, so a receiver still on the other secret fails; the
    /// sample receiver (samples/Receiver) therefore verifies each signature on its own, which succeeds for both.
    /// </summary>
    [Fact]
    public void During_a_rotation_the_package_verifies_the_first_signature_only_and_each_one_verifies_on_its_own()
    {
        var (current, previous) = (WebhookSigner.NewSecret(), WebhookSigner.NewSecret());
        var header = WebhookSigner.SignatureHeader([current, previous], WebhookId, Now, Body);
        var payload = Encoding.UTF8.GetString(Body);

        Assert.Equal(2, header.Split(' ').Length);
        new StandardWebhook(current).Verify(payload, Headers(header));
        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook(previous).Verify(payload, Headers(header)));
        foreach (var secret in new[] { current, previous })
        {
            Assert.Single(header.Split(' '), signature => Verifies(secret, payload, signature));
        }
    }

    private static bool Verifies(string secret, string payload, string signature)
    {
        try
        {
            new StandardWebhook(secret).Verify(payload, Headers(signature));
            return true;
        }
        catch (WebhookVerificationException)
        {
            return false;
        }
    }

    private static HeaderDictionary Headers(string signature) => new()
    {
        ["webhook-id"] = WebhookId,
        ["webhook-timestamp"] = Now.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["webhook-signature"] = signature,
    };
}
