using System.Security.Cryptography;
using System.Text;
using WebhookFunctions.Engine.Delivery;

namespace WebhookFunctions.UnitTests.Delivery;

public class WebhookSignerTests
{
    // The Standard Webhooks specification's test vector (libraries/javascript/src/webhook.test.ts, "sign function works").
    private const string SpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string SpecId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long SpecTimestamp = 1614265330;
    private const string SpecPayload = "{\"test\": 2432232314}";
    private const string SpecSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    [Fact]
    public void Sign_reproduces_the_standard_webhooks_test_vector()
    {
        var signature = WebhookSigner.Sign(SpecSecret, SpecId, SpecTimestamp, Encoding.UTF8.GetBytes(SpecPayload));

        Assert.Equal(SpecSignature, signature);
    }

    [Fact]
    public void Sign_depends_on_every_signed_part()
    {
        var body = Encoding.UTF8.GetBytes(SpecPayload);

        Assert.NotEqual(SpecSignature, WebhookSigner.Sign(SpecSecret, SpecId + "x", SpecTimestamp, body));
        Assert.NotEqual(SpecSignature, WebhookSigner.Sign(SpecSecret, SpecId, SpecTimestamp + 1, body));
        Assert.NotEqual(SpecSignature, WebhookSigner.Sign(SpecSecret, SpecId, SpecTimestamp, Encoding.UTF8.GetBytes("{\"test\": 2432232315}")));
        Assert.NotEqual(SpecSignature, WebhookSigner.Sign(WebhookSigner.NewSecret(), SpecId, SpecTimestamp, body));
    }

    [Fact]
    public void Sign_matches_an_independent_hmac_over_a_large_body()
    {
        var secret = WebhookSigner.NewSecret();
        var body = new byte[300_000];
        new Random(7).NextBytes(body);

        var expectedContent = Encoding.UTF8.GetBytes("evt_1.1700000000.").Concat(body).ToArray();
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(secret["whsec_".Length..]), expectedContent));

        Assert.Equal(expected, WebhookSigner.Sign(secret, "evt_1", 1700000000, body));
    }

    [Fact]
    public void SignatureHeader_with_two_secrets_holds_one_verifying_signature_per_secret_separated_by_a_space()
    {
        var oldSecret = SpecSecret;
        var newSecret = WebhookSigner.NewSecret();
        var body = Encoding.UTF8.GetBytes(SpecPayload);

        var header = WebhookSigner.SignatureHeader([newSecret, oldSecret], SpecId, SpecTimestamp, body);

        var signatures = header.Split(' ');
        Assert.Equal(2, signatures.Length);
        Assert.Equal(WebhookSigner.Sign(newSecret, SpecId, SpecTimestamp, body), signatures[0]);
        Assert.Equal(SpecSignature, signatures[1]);
    }

    [Fact]
    public void SignatureHeader_with_one_secret_is_that_signature()
    {
        var header = WebhookSigner.SignatureHeader([SpecSecret], SpecId, SpecTimestamp, Encoding.UTF8.GetBytes(SpecPayload));

        Assert.Equal(SpecSignature, header);
    }

    [Fact]
    public void SignatureHeader_without_secrets_is_refused()
    {
        Assert.Throws<ArgumentException>(() => WebhookSigner.SignatureHeader([], SpecId, SpecTimestamp, "{}"u8));
    }

    [Theory]
    [InlineData("whsec_not base64!")]
    [InlineData("whsec_")]
    [InlineData("whsec_@@@@")]
    public void Sign_refuses_a_secret_that_is_not_base64(string secret)
    {
        Assert.Throws<ArgumentException>(() => WebhookSigner.Sign(secret, SpecId, SpecTimestamp, "{}"u8));
    }

    [Fact]
    public void NewSecret_is_prefixed_base64_of_32_random_bytes()
    {
        var first = WebhookSigner.NewSecret();
        var second = WebhookSigner.NewSecret();

        Assert.StartsWith("whsec_", first, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(first["whsec_".Length..]).Length);
        Assert.True(WebhookSigner.IsValidSecret(first));
        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData(SpecSecret, true)] // 24 bytes
    [InlineData("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", true)] // 64 bytes
    [InlineData("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", false)] // 65 bytes
    [InlineData("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", false)] // 23 bytes
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", false)] // no prefix
    [InlineData("WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", false)]
    [InlineData("whsec_MfKQ9r8GKYqr TwjUPD8ILPZIo2LaLaSw", false)]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS!", false)]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS", false)] // truncated base64
    [InlineData("", false)]
    public void IsValidSecret_accepts_only_prefixed_base64_of_24_to_64_bytes(string secret, bool valid)
    {
        Assert.Equal(valid, WebhookSigner.IsValidSecret(secret));
    }
}
