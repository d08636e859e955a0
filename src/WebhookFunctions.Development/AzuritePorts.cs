using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace WebhookFunctions.Development;

/// <summary>The blob, queue and table ports of a local Azurite on 127.0.0.1, and its connection string.</summary>
public sealed record AzuritePorts(int Blob, int Queue, int Table)
{
    /// <summary>The well-known development storage ports (UseDevelopmentStorage=true).</summary>
    public static AzuritePorts Default { get; } = new(10000, 10001, 10002);

    // The documented, public development storage account key.
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly string[] EndpointKeys = ["BlobEndpoint", "QueueEndpoint", "TableEndpoint"];

    public IReadOnlyList<int> All => [Blob, Queue, Table];

    public string ToConnectionString() => string.Create(
        CultureInfo.InvariantCulture,
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{Blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{Queue}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{Table}/devstoreaccount1;");

    /// <summary>
    /// Three ports nothing listens on right now. They are released again before the caller binds them, so another
    /// process can take one in between: callers must recover from that, as AzuriteLauncher.StartOnFreePortsAsync does.
    /// </summary>
    public static AzuritePorts FindFree()
    {
        var listeners = Enumerable.Range(0, 3).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToList();
            return new AzuritePorts(ports[0], ports[1], ports[2]);
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }

    /// <summary>
    /// The ports a development storage connection string points at: UseDevelopmentStorage=true, or explicit endpoints
    /// on 127.0.0.1/localhost (a missing endpoint keeps its default port). Null for any other account.
    /// </summary>
    public static AzuritePorts? FromConnectionString(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return null;
        }

        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (builder.TryGetValue("UseDevelopmentStorage", out var development) && bool.TryParse(development?.ToString(), out var isDevelopment) && isDevelopment)
        {
            return Default;
        }

        var endpoints = EndpointKeys.Select(key => builder.TryGetValue(key, out var value) && value?.ToString() is { Length: > 0 } text ? new Uri(text, UriKind.Absolute) : null)
            .ToList();
        if (endpoints.All(e => e is null) || endpoints.Any(e => e is not null && !e.IsLoopback))
        {
            return null;
        }

        var defaults = Default.All;
        return new AzuritePorts(
            endpoints[0]?.Port ?? defaults[0],
            endpoints[1]?.Port ?? defaults[1],
            endpoints[2]?.Port ?? defaults[2]);
    }
}
