using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace WebhookFunctions.Storage.Development;

/// <summary>Starts Azurite from the repository's node_modules when development storage is configured and nothing listens on its ports.</summary>
public sealed class AzuriteLauncher : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly Process process;

    private AzuriteLauncher(Process process, AzuritePorts ports)
    {
        this.process = process;
        Ports = ports;
    }

    public AzuritePorts Ports { get; }

    /// <summary>The connection string of this Azurite (explicit endpoints on its ports).</summary>
    public string ConnectionString => Ports.ToConnectionString();

    /// <summary>
    /// Null when <paramref name="connectionString"/> is not development storage or Azurite already listens;
    /// otherwise a running Azurite (data under <paramref name="dataDirectory"/>, or in memory when null) that stops on dispose.
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
            throw new InvalidOperationException(
                $"Some development storage ports are taken ({string.Join(", ", listening)}) but not all of {string.Join(", ", ports.All)}; stop whatever holds them or start Azurite yourself.");
        }

        return await StartAsync(ports, dataDirectory, logger, cancellationToken);
    }

    /// <summary>Starts Azurite on three free ports, in memory: for tests, which must not meet a developer's Azurite.</summary>
    public static Task<AzuriteLauncher> StartOnFreePortsAsync(ILogger logger, CancellationToken cancellationToken) =>
        StartAsync(AzuritePorts.FindFree(), dataDirectory: null, logger, cancellationToken);

    /// <summary>Starts Azurite on <paramref name="ports"/> (127.0.0.1) and returns once all three accept connections.</summary>
    public static async Task<AzuriteLauncher> StartAsync(AzuritePorts ports, string? dataDirectory, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ports);
        ArgumentNullException.ThrowIfNull(logger);
        var script = FindAzuriteScript();
        var startInfo = new ProcessStartInfo("node")
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            CreateNoWindow = true,
        };
        startInfo.ArgumentList.Add(script);
        foreach (var argument in Arguments(ports, dataDirectory))
        {
            startInfo.ArgumentList.Add(argument);
        }

        var errors = new StringBuilder();
        var process = new Process { StartInfo = startInfo };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (errors)
                {
                    errors.AppendLine(e.Data);
                }
            }
        };
        process.OutputDataReceived += (_, _) => { };
        if (!process.Start())
        {
            throw new InvalidOperationException("Azurite could not be started: node did not start.");
        }

        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var launcher = new AzuriteLauncher(process, ports);
        try
        {
            await WaitUntilListeningAsync(process, ports, errors, cancellationToken);
        }
        catch
        {
            await launcher.DisposeAsync();
            throw;
        }

        logger.LogInformation("Azurite started (pid {Pid}) on 127.0.0.1 ports {Ports}, {Persistence}.", process.Id, string.Join(", ", ports.All), dataDirectory is null ? "in memory" : "data in " + dataDirectory);
        return launcher;
    }

    /// <summary>
    /// Stops Azurite the way an operator would (SIGTERM: it closes its servers and saves its data), waiting up to
    /// <paramref name="timeout"/> before killing it. Disposing kills it at once, which may lose its last unsaved writes.
    /// </summary>
    public async Task StopGracefullyAsync(TimeSpan timeout)
    {
        if (process.HasExited)
        {
            return;
        }

        using (var terminate = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", process.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false }))
        {
            if (terminate is not null)
            {
                await terminate.WaitForExitAsync();
            }
        }

        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            process.Dispose();
        }
    }

    private static IEnumerable<string> Arguments(AzuritePorts ports, string? dataDirectory)
    {
        string[] fixedArguments = ["--silent", "--disableTelemetry", "--skipApiVersionCheck", "--loose"];
        var endpoints = new[] { ("blob", ports.Blob), ("queue", ports.Queue), ("table", ports.Table) }
            .SelectMany(e => new[] { $"--{e.Item1}Host", "127.0.0.1", $"--{e.Item1}Port", e.Item2.ToString(CultureInfo.InvariantCulture) });
        // Azurite refuses --inMemoryPersistence together with --location.
        var persistence = dataDirectory is null ? ["--inMemoryPersistence"] : new[] { "--location", Path.GetFullPath(dataDirectory) };
        return [.. fixedArguments, .. endpoints, .. persistence];
    }

    private static string FindAzuriteScript()
    {
        var starts = new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() };
        foreach (var start in starts)
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var script = Path.Combine(directory.FullName, "node_modules", "azurite", "dist", "src", "azurite.js");
                if (File.Exists(script))
                {
                    return script;
                }
            }
        }

        throw new InvalidOperationException("Azurite is not installed: node_modules/azurite was not found above the app or the current directory; run the build or npm ci.");
    }

    private static async Task WaitUntilListeningAsync(Process process, AzuritePorts ports, StringBuilder errors, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        var pending = new Queue<int>(ports.All);
        while (pending.Count > 0)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with code {process.ExitCode} before listening: {ErrorText(errors)}");
            }

            if (deadline.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"Azurite did not listen on ports {string.Join(", ", pending)} within {StartTimeout.TotalSeconds:0} s: {ErrorText(errors)}");
            }

            if (await AcceptsConnectionsAsync(pending.Peek(), cancellationToken))
            {
                pending.Dequeue();
            }
            else
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            }
        }
    }

    private static string ErrorText(StringBuilder errors)
    {
        lock (errors)
        {
            return errors.Length == 0 ? "(no output on stderr)" : errors.ToString().Trim();
        }
    }

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
