using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WebhookFunctions.Http.Security;

namespace WebhookFunctions.UnitTests.Security;

public class ApiKeyValidatorTests
{
    private const string Key = "k3y-0f-the-management-api-2f9c1b7e";

    [Fact]
    public void The_configured_key_is_accepted()
    {
        Assert.True(Validator(Key).IsValid(Key));
    }

    [Theory]
    [InlineData("k3y-0f-the-management-api-2f9c1b7")]
    [InlineData("k")]
    [InlineData("k3y-0f-the-management-api-2f9c1b7ex")]
    [InlineData("xk3y-0f-the-management-api-2f9c1b7e")]
    [InlineData("k3y-0f-the-management-api-2f9c1b7e\0")]
    [InlineData("K3Y-0F-THE-MANAGEMENT-API-2F9C1B7E")]
    [InlineData("k3y-0f-the-management-api-2f9c1b7f")]
    [InlineData(" k3y-0f-the-management-api-2f9c1b7e")]
    [InlineData("")]
    [InlineData(null)]
    public void A_prefix_suffix_other_length_or_one_character_off_is_refused(string? presented)
    {
        Assert.False(Validator(Key).IsValid(presented));
    }

    [Fact]
    public void Every_configured_key_is_accepted_so_keys_can_be_rotated()
    {
        var validator = Validator(Key, "the-next-key");

        Assert.True(validator.IsValid(Key));
        Assert.True(validator.IsValid("the-next-key"));
        Assert.False(validator.IsValid("the-next-ke"));
    }

    [Theory]
    [InlineData("k")]
    [InlineData(Key)]
    [InlineData("ключ-с-юникодом-🔑")]
    public void What_is_compared_is_a_32_byte_digest_whatever_the_key_length(string key)
    {
        var digest = ApiKeyValidator.Digest(key);

        Assert.Equal(32, digest.Length);
        Assert.Equal(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)), digest);
        Assert.Equal(32, ApiKeyValidator.Digest(new string('k', 100_000)).Length);
    }

    [Fact]
    public void Digests_of_a_key_and_its_prefix_have_the_same_length_and_differ()
    {
        // The fixed-time comparison needs equal-length inputs: a length difference must not short-circuit it.
        var full = ApiKeyValidator.Digest(Key);
        var prefix = ApiKeyValidator.Digest(Key[..5]);

        Assert.Equal(full.Length, prefix.Length);
        Assert.False(CryptographicOperations.FixedTimeEquals(full, prefix));
        Assert.True(CryptographicOperations.FixedTimeEquals(full, ApiKeyValidator.Digest(Key)));
    }

    [Theory]
    [InlineData("x-functions-key", Key, "", true)]
    [InlineData("", "", Key, true)]
    [InlineData("x-functions-key", "wrong", Key, false)]
    [InlineData("", "", "wrong", false)]
    public void A_request_presents_its_key_in_the_header_or_else_the_code_parameter(string header, string headerValue, string code, bool authorized)
    {
        var context = new DefaultHttpContext();
        if (header.Length > 0)
        {
            context.Request.Headers[header] = headerValue;
        }

        if (code.Length > 0)
        {
            context.Request.QueryString = QueryString.Create("code", code);
        }

        Assert.Equal(authorized, Validator(Key).IsAuthorized(context.Request));
    }

    private static ApiKeyValidator Validator(params string[] keys)
    {
        var services = new ServiceCollection();
        services.AddOptions<ApiOptions>().Configure(options =>
        {
            foreach (var key in keys)
            {
                options.Keys.Add(key);
            }
        });
        return new ApiKeyValidator(services.BuildServiceProvider().GetRequiredService<IOptionsMonitor<ApiOptions>>());
    }
}
