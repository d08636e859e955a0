namespace WebhookFunctions.Engine.Delivery;

/// <summary>The <see cref="SendResult.Error"/> values: why an attempt got no HTTP response (or was not made).</summary>
public static class SendErrors
{
    /// <summary>No response within the attempt timeout.</summary>
    public const string Timeout = "timeout";

    /// <summary>The receiver's host refused the TCP connection.</summary>
    public const string ConnectionRefused = "connectionRefused";

    /// <summary>The receiver's host name did not resolve.</summary>
    public const string DnsFailure = "dnsFailure";

    /// <summary>The TLS handshake failed (certificate, protocol).</summary>
    public const string TlsFailure = "tlsFailure";

    /// <summary>Any other failure to connect or to exchange the request and response.</summary>
    public const string ConnectionFailed = "connectionFailed";

    /// <summary>The egress guard refused the receiver's address; never retried.</summary>
    public const string DestinationBlocked = "destinationBlocked";

    /// <summary>A header value could not be sent as given (CR, LF or NUL in it); nothing was sent.</summary>
    public const string InvalidHeader = "invalidHeader";
}
