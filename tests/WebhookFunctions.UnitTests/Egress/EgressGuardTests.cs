using System.Net;
using WebhookFunctions.Engine.Delivery.Egress;

namespace WebhookFunctions.UnitTests.Egress;

public sealed class EgressGuardTests
{
    private static readonly Dictionary<string, IPAddress[]> TestDns = new(StringComparer.OrdinalIgnoreCase)
    {
        ["localhost"] = [IPAddress.Loopback, IPAddress.IPv6Loopback],
        ["internal.example"] = [IPAddress.Parse("10.20.30.40")],
        ["metadata.example"] = [IPAddress.Parse("169.254.169.254")],
        ["mixed-private.example"] = [IPAddress.Parse("192.168.1.10"), IPAddress.Parse("fd12:3456::1")],
        ["public.example"] = [IPAddress.Parse("93.184.215.14")],
        ["dual.example"] = [IPAddress.Parse("10.0.0.1"), IPAddress.Parse("93.184.215.14")],
    };

    public static TheoryData<string> BlockedUrls() => new()
    {
        "http://127.0.0.1/",
        "http://127.1.2.3:8080/hook",
        "http://2130706433/",
        "http://0x7f000001/",
        "http://0x7f.0.0.1/",
        "http://0177.0.0.1/",
        "http://017700000001/",
        "http://127.1/",
        "http://0.0.0.0/",
        "http://0/",
        "http://localhost/",
        "http://LOCALHOST:7071/api",
        "http://[::1]/",
        "http://[::]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:7f00:1]/",
        "http://[::ffff:10.0.0.1]/",
        "http://[::127.0.0.1]/",
        "http://[64:ff9b::127.0.0.1]/",
        "http://[64:ff9b::a9fe:a9fe]/",
        "http://[2002:7f00:1::]/",
        "http://[2002:a00:1::1]/",
        "http://10.0.0.1/",
        "http://10.255.255.255/",
        "http://172.16.0.1/",
        "http://172.31.255.254/",
        "http://192.168.0.1/",
        "http://100.64.0.1/",
        "http://100.127.255.254/",
        "http://169.254.169.254/latest/meta-data/",
        "http://169.254.0.1/",
        "http://[fe80::1]/",
        "http://[fd00:ec2::254]/",
        "http://[fc00::1]/",
        "http://[ff02::1]/",
        "http://224.0.0.1/",
        "http://239.255.255.250/",
        "http://240.0.0.1/",
        "http://255.255.255.255/",
        "http://192.0.2.10/",
        "http://198.18.0.1/",
        "http://198.51.100.7/",
        "http://203.0.113.9/",
        "http://[2001:db8::1]/",
        "http://[2001::1]/",
        "http://[fec0::1]/",
        "http://internal.example/",
        "http://metadata.example/",
        "http://mixed-private.example/",
    };

    [Theory]
    [MemberData(nameof(BlockedUrls))]
    public async Task Non_public_destinations_are_blocked(string url)
    {
        var guard = Guard();

        await Assert.ThrowsAsync<DestinationBlockedException>(() => guard.AllowedAddressesAsync(new Uri(url).Host, CancellationToken.None));
    }

    [Theory]
    [InlineData("https://93.184.215.14/", "93.184.215.14")]
    [InlineData("https://8.8.8.8/", "8.8.8.8")]
    [InlineData("https://[2606:4700:4700::1111]/", "2606:4700:4700::1111")]
    [InlineData("https://[::ffff:8.8.4.4]/", "::ffff:8.8.4.4")]
    [InlineData("https://[2002:808:808::1]/", "2002:808:808::1")]
    [InlineData("https://public.example/hook", "93.184.215.14")]
    public async Task Public_destinations_are_allowed(string url, string expected)
    {
        var addresses = await Guard().AllowedAddressesAsync(new Uri(url).Host, CancellationToken.None);

        Assert.Equal(IPAddress.Parse(expected), Assert.Single(addresses));
    }

    [Fact]
    public async Task A_host_with_private_and_public_answers_connects_only_to_the_public_one()
    {
        var addresses = await Guard().AllowedAddressesAsync("dual.example", CancellationToken.None);

        Assert.Equal([IPAddress.Parse("93.184.215.14")], addresses);
    }

    [Fact]
    public async Task The_allow_list_lets_loopback_through_for_local_development()
    {
        var guard = Guard("127.0.0.0/8", "::1/128");

        Assert.Equal(2, (await guard.AllowedAddressesAsync("localhost", CancellationToken.None)).Count);
        Assert.Single(await guard.AllowedAddressesAsync("[::ffff:127.0.0.1]", CancellationToken.None));
        await Assert.ThrowsAsync<DestinationBlockedException>(() => guard.AllowedAddressesAsync("10.0.0.1", CancellationToken.None));
    }

    [Fact]
    public void A_malformed_allow_list_entry_fails_validation()
    {
        var options = new EgressOptions { AllowedNetworks = ["127.0.0.0/8", "not-a-cidr"] };

        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();

        Assert.Contains("not-a-cidr", Assert.Single(errors).ErrorMessage, StringComparison.Ordinal);
    }

    private static EgressGuard Guard(params string[] allowed) =>
        new(Microsoft.Extensions.Options.Options.Create(new EgressOptions { AllowedNetworks = allowed }),
            (host, _) => Task.FromResult(TestDns.TryGetValue(host, out var found) ? found : throw new System.Net.Sockets.SocketException(11001)));
}
