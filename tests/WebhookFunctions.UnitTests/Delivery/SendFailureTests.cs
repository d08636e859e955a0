using System.Net.Sockets;
using System.Security.Authentication;
using WebhookFunctions.Engine.Delivery;

namespace WebhookFunctions.UnitTests.Delivery;

public class SendFailureTests
{
    [Theory]
    [InlineData(SocketError.ConnectionRefused, SendErrors.ConnectionRefused)]
    [InlineData(SocketError.HostNotFound, SendErrors.DnsFailure)]
    [InlineData(SocketError.NoData, SendErrors.DnsFailure)]
    [InlineData(SocketError.TryAgain, SendErrors.DnsFailure)]
    [InlineData(SocketError.TimedOut, SendErrors.Timeout)]
    [InlineData(SocketError.ConnectionReset, SendErrors.ConnectionFailed)]
    [InlineData(SocketError.NetworkUnreachable, SendErrors.ConnectionFailed)]
    public void A_socket_error_names_the_failure(SocketError socketError, string expected)
    {
        var exception = new HttpRequestException(HttpRequestError.ConnectionError, "failed", new SocketException((int)socketError));

        Assert.Equal(expected, SendFailure.Describe(exception));
    }

    [Fact]
    public void A_name_resolution_error_is_a_dns_failure()
    {
        Assert.Equal(SendErrors.DnsFailure, SendFailure.Describe(new HttpRequestException(HttpRequestError.NameResolutionError, "no such host")));
    }

    [Fact]
    public void A_failed_handshake_is_a_tls_failure()
    {
        Assert.Equal(SendErrors.TlsFailure, SendFailure.Describe(new HttpRequestException(HttpRequestError.SecureConnectionError, "handshake")));
        Assert.Equal(SendErrors.TlsFailure, SendFailure.Describe(new HttpRequestException("handshake", new AuthenticationException("bad certificate"))));
    }

    [Fact]
    public void Anything_else_is_a_connection_failure()
    {
        Assert.Equal(SendErrors.ConnectionFailed, SendFailure.Describe(new HttpRequestException(HttpRequestError.ResponseEnded, "ended")));
        Assert.Equal(SendErrors.ConnectionFailed, SendFailure.Describe(new HttpRequestException("unknown")));
    }
}
