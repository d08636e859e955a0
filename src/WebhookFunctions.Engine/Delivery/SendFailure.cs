using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using WebhookFunctions.Engine.Delivery.Egress;

namespace WebhookFunctions.Engine.Delivery;

/// <summary>Names the <see cref="SendErrors"/> value of a request that got no response.</summary>
internal static class SendFailure
{
    public static string Describe(HttpRequestException exception)
    {
        if (FindInner<DestinationBlockedException>(exception) is not null)
        {
            return SendErrors.DestinationBlocked;
        }

        var socketError = FindInner<SocketException>(exception)?.SocketErrorCode;
        return socketError switch
        {
            SocketError.ConnectionRefused => SendErrors.ConnectionRefused,
            SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => SendErrors.DnsFailure,
            SocketError.TimedOut => SendErrors.Timeout,
            _ => exception.HttpRequestError switch
            {
                HttpRequestError.NameResolutionError => SendErrors.DnsFailure,
                HttpRequestError.SecureConnectionError => SendErrors.TlsFailure,
                _ when FindInner<AuthenticationException>(exception) is not null => SendErrors.TlsFailure,
                _ => SendErrors.ConnectionFailed,
            },
        };
    }

    private static T? FindInner<T>(Exception exception)
        where T : Exception
    {
        for (var current = exception.InnerException; current is not null; current = current.InnerException)
        {
            if (current is T match)
            {
                return match;
            }
        }

        return null;
    }
}
