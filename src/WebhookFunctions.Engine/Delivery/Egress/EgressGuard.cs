using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace WebhookFunctions.Engine.Delivery.Egress;

/// <summary>
/// Connects deliveries only to allowed addresses. It runs as SocketsHttpHandler.ConnectCallback, so the check is
/// made on the address actually connected to: a DNS answer that changes between validation and connect (DNS
/// rebinding) cannot get through.
/// </summary>
public sealed class EgressGuard(IOptions<EgressOptions> options, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null)
{
    private readonly IReadOnlyList<IPNetwork> allowed = options.Value.ParsedAllowedNetworks();
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> resolve = resolve ?? Dns.GetHostAddressesAsync;

    public bool IsAllowed(IPAddress address) =>
        AddressClassifier.IsPublic(address) || allowed.Any(n => n.Contains(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address));

    /// <summary>The addresses of <paramref name="host"/> that may be connected to.</summary>
    /// <exception cref="DestinationBlockedException">None may.</exception>
    public async Task<IReadOnlyList<IPAddress>> AllowedAddressesAsync(string host, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await resolve(host, cancellationToken);
        var usable = addresses.Where(IsAllowed).ToList();
        return usable.Count > 0
            ? usable
            : throw new DestinationBlockedException($"{host} resolves only to addresses deliveries may not reach ({string.Join(", ", addresses.Select(a => a.ToString()))}).");
    }

    /// <summary>The ConnectCallback: resolve, drop what is not allowed, connect to the first that answers.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        if (options.Value.HttpsOnly && context.InitialRequestMessage.RequestUri?.Scheme != Uri.UriSchemeHttps)
        {
            throw new DestinationBlockedException("Egress:HttpsOnly refuses plain http:// receivers.");
        }

        var addresses = await AllowedAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                last = ex;
                socket.Dispose();
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }
}
