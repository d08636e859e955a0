using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace WebhookFunctions.Development;

/// <summary>
/// Starts Azurite from the repository's node_modules: for the self-hosted server on the ports its configuration names
/// (never others), and for tests on ports chosen here, chosen again when another process takes one first.
/// </summary>
public sealed class AzuriteLauncher : IAsyncDisposable
{
    /// <summary>How many sets of free ports a start tries before it gives up.</summary>
    public const int FreePortAttempts = 5;

    private static readonly TimeSpan PortPollInterval = TimeSpan.FromMilliseconds(200);
    private readonly AzuriteProcess process;

    private AzuriteLauncher(AzuriteProcess process, AzuritePorts ports)
    {
        this.process = process;
        Ports = ports;
    }

    public AzuritePorts Ports { get; }

    /// <summary>The connection string of this Azurite (explicit endpoints on its ports).</summary>
    public string ConnectionString => Ports.ToConnectionString();

    /// <summary>
    /// Null when <paramref name="connectionString"/> is not development storage or Azurite already listens;
    /// otherwise a running Azurite (data under <paramref name="dataDirectory"/>, or in memory when null) that stops on
    /// dispose. The configured ports are never changed: one that something else holds is an
    /// <see cref="AzuritePortInUseException"/>.
    /// </summary>
    public static async Task<AzuriteLauncher?> StartIfNeededAsync(string? connectionString, string? dataDirectory, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(logger);
        if (AzuritePorts.FromConnectionString(connectionString) is not { } ports)
        {
            return null;
        }

        var listening = new List<int>();
        foreach (var port in ports.All)
        {
            if (await AcceptsConnectionsAsync(port, cancellationToken))
            {
                listening.Add(port);
            }
        }

        if (listening.Count == ports.All.Count)
        {
            logger.LogInformation("Development storage already listens on ports {Ports}; not starting Azurite.", string.Join(", ", ports.All));
            return null;
        }

        if (listening.Count > 0)
        {
            throw new AzuritePortInUseException(
                listening[0],
                $"Some development storage ports are taken ({string.Join(", ", listening)}) but not all of {string.Join(", ", ports.All)}; stop whatever holds them or start Azurite yourself.");
        }

        return await StartAsync(ports, dataDirectory, logger, cancellationToken);
    }

    /// <summary>Starts Azurite in memory on free ports: for tests, which must not meet a developer's Azurite.</summary>
    public static Task<AzuriteLauncher> StartOnFreePortsAsync(ILogger logger, CancellationToken cancellationToken) =>
        StartOnFreePortsAsync(AzuritePorts.FindFree, dataDirectory: null, logger, cancellationToken);

    /// <summary>
    /// Starts Azurite on ports from <paramref name="choosePorts"/>. The ports are free when chosen but released before
    /// Azurite binds them, so another process can take one in between (test assemblies start their Azurites and
    /// servers in parallel); then it tries again on freshly chosen ports, up to <see cref="FreePortAttempts"/> times.
    /// </summary>
    public static async Task<AzuriteLauncher> StartOnFreePortsAsync(Func<AzuritePorts> choosePorts, string? dataDirectory, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(choosePorts);
        ArgumentNullException.ThrowIfNull(logger);
        var tried = new List<AzuritePorts>();
        for (var attempt = 1; ; attempt++)
        {
            var ports = choosePorts();
            tried.Add(ports);
            try
            {
                return await StartAsync(ports, dataDirectory, logger, cancellationToken);
            }
            catch (AzuritePortInUseException taken) when (attempt < FreePortAttempts)
            {
                logger.LogWarning(
                    "Azurite attempt {Attempt} of {Attempts}: port {Port} was taken between choosing and binding it; trying again on fresh ports.",
                    attempt,
                    FreePortAttempts,
                    taken.Port);
            }
            catch (AzuritePortInUseException taken)
            {
                throw new AzuritePortInUseException(
                    taken.Port,
                    $"Azurite found no free ports in {FreePortAttempts} attempts; each time another process took one first. Ports tried: {string.Join("; ", tried.Select(p => string.Join(", ", p.All)))}.");
            }
        }
    }

    /// <summary>
    /// Starts Azurite on exactly <paramref name="ports"/>, waiting up to <paramref name="patience"/> for them to be
    /// free: for a restart on the ports a running server already points at (the previous Azurite may still be
    /// releasing them).
    /// </summary>
    public static async Task<AzuriteLauncher> StartWhenPortsAreFreeAsync(AzuritePorts ports, string? dataDirectory, TimeSpan patience, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ports);
        ArgumentNullException.ThrowIfNull(logger);
        var deadline = DateTimeOffset.UtcNow + patience;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartAsync(ports, dataDirectory, logger, cancellationToken);
            }
            catch (AzuritePortInUseException taken) when (DateTimeOffset.UtcNow < deadline)
            {
                logger.LogInformation("Azurite attempt {Attempt}: port {Port} is still in use; waiting for it to be free.", attempt, taken.Port);
                await Task.Delay(PortPollInterval, cancellationToken);
            }
            catch (AzuritePortInUseException taken)
            {
                throw new AzuritePortInUseException(
                    taken.Port,
                    $"Azurite could not restart on ports {string.Join(", ", ports.All)}: port {taken.Port} was still in use after {patience.TotalSeconds:0.#} s ({attempt} attempts).");
            }
        }
    }

    /// <summary>Starts Azurite on exactly <paramref name="ports"/> (127.0.0.1) and returns once all three services listen.</summary>
    public static async Task<AzuriteLauncher> StartAsync(AzuritePorts ports, string? dataDirectory, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ports);
        ArgumentNullException.ThrowIfNull(logger);
        var process = await AzuriteProcess.StartAsync(ports, dataDirectory, cancellationToken);
        logger.LogInformation("Azurite started (pid {Pid}) on 127.0.0.1 ports {Ports}, {Persistence}.", process.Id, string.Join(", ", ports.All), dataDirectory is null ? "in memory" : "data in " + dataDirectory);
        return new AzuriteLauncher(process, ports);
    }

    /// <summary>
    /// Stops Azurite the way an operator would (SIGTERM: it closes its servers and saves its data), waiting up to
    /// <paramref name="timeout"/> before killing it. Disposing kills it at once, which may lose its last unsaved writes.
    /// </summary>
    public Task StopGracefullyAsync(TimeSpan timeout) => process.StopGracefullyAsync(timeout);

    public ValueTask DisposeAsync() => process.DisposeAsync();

    private static async Task<bool> AcceptsConnectionsAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
