using System.Globalization;
using System.Net;

namespace WebhookFunctions.EndToEndTests.Resilience;

/// <summary>
/// Which local process holds the client end of a loopback TCP connection, read from Linux's <c>/proc</c>: the
/// connection's socket inode from <c>/proc/net/tcp</c> (or <c>tcp6</c>, for a dual-mode socket), then the process
/// among the candidates with a file descriptor on that inode. Only valid while the connection is open.
/// </summary>
internal static class SocketOwners
{
    private static readonly string[] Tables = ["/proc/net/tcp", "/proc/net/tcp6"];

    public static bool AreReadable => OperatingSystem.IsLinux() && File.Exists(Tables[0]);

    /// <summary>
    /// The candidate (by name) whose process holds the socket connected from <paramref name="client"/> to
    /// <paramref name="serverPort"/>; null when none of them does (or the connection is gone already).
    /// </summary>
    public static string? OwnerOf(IPEndPoint client, int serverPort, IReadOnlyDictionary<string, int> candidates)
    {
        if (InodeOf(client.Port, serverPort) is not { } inode)
        {
            return null;
        }

        var link = $"socket:[{inode}]";
        foreach (var (name, processId) in candidates)
        {
            try
            {
                if (Directory.EnumerateFiles($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/fd").Any(fd => new FileInfo(fd).LinkTarget == link))
                {
                    return name;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process has exited, or a descriptor closed while it was being read.
            }
        }

        return null;
    }

    /// <summary>The inode of the socket whose local port is <paramref name="localPort"/> and remote port <paramref name="remotePort"/>.</summary>
    /// <remarks>
    /// The kernel writes these tables a chunk per read, and a connection that opens or closes between two chunks can
    /// shift the rest so that a line is skipped: a miss is read again, a few times.
    /// </remarks>
    private static string? InodeOf(int localPort, int remotePort)
    {
        for (var read = 0; read < 5; read++)
        {
            if (TryInodeOf(localPort, remotePort) is { } inode)
            {
                return inode;
            }
        }

        return null;
    }

    private static string? TryInodeOf(int localPort, int remotePort)
    {
        var local = ":" + localPort.ToString("X4", CultureInfo.InvariantCulture);
        var remote = ":" + remotePort.ToString("X4", CultureInfo.InvariantCulture);
        foreach (var table in Tables)
        {
            // Columns: sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (columns.Length > 9 && columns[1].EndsWith(local, StringComparison.Ordinal) && columns[2].EndsWith(remote, StringComparison.Ordinal))
                {
                    return columns[9];
                }
            }
        }

        return null;
    }
}
