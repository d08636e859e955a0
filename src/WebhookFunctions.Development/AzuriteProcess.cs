using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace WebhookFunctions.Development;

/// <summary>
/// One node process running Azurite on given ports. It counts as started once Azurite itself says each of its three
/// services listens: a connection probe could be answered by whatever else holds the port.
/// </summary>
internal sealed partial class AzuriteProcess : IAsyncDisposable
{
    // Generous: on a loaded 2-core machine, with test assemblies starting Azurites in parallel, node alone can take tens of seconds.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly Process process;
    private readonly StringBuilder errors = new();
    private readonly HashSet<string> listeningServices = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource allListening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AzuriteProcess(Process process) => this.process = process;

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>
    /// Starts Azurite and returns once its blob, queue and table services listen. A port held by something else ends
    /// in <see cref="AzuritePortInUseException"/>; any other early exit, or silence past the start timeout, in
    /// <see cref="InvalidOperationException"/>.
    /// </summary>
    public static async Task<AzuriteProcess> StartAsync(AzuritePorts ports, string? dataDirectory, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("node")
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            CreateNoWindow = true,
        };
        startInfo.ArgumentList.Add(FindAzuriteScript());
        foreach (var argument in Arguments(ports, dataDirectory))
        {
            startInfo.ArgumentList.Add(argument);
        }

        var azurite = new AzuriteProcess(new Process { StartInfo = startInfo, EnableRaisingEvents = true });
        azurite.process.ErrorDataReceived += (_, e) => azurite.OnError(e.Data);
        azurite.process.OutputDataReceived += (_, e) => azurite.OnOutput(e.Data);
        azurite.process.Exited += (_, _) => azurite.allListening.TrySetCanceled();
        if (!azurite.process.Start())
        {
            throw new InvalidOperationException("Azurite could not be started: node did not start.");
        }

        azurite.process.BeginErrorReadLine();
        azurite.process.BeginOutputReadLine();
        try
        {
            await azurite.WaitUntilListeningAsync(ports, cancellationToken);
            return azurite;
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGTERM (Azurite closes its servers and saves its data), then a kill once <paramref name="timeout"/> has passed.</summary>
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

    private async Task WaitUntilListeningAsync(AzuritePorts ports, CancellationToken cancellationToken)
    {
        try
        {
            await allListening.Task.WaitAsync(StartTimeout, cancellationToken);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Exited before listening; the exit code and stderr are complete only once the process is reaped.
            await process.WaitForExitAsync(CancellationToken.None);
            var text = ErrorText();
            if (PortInUse().Match(text) is { Success: true } taken)
            {
                var port = int.Parse(taken.Groups["port"].Value, CultureInfo.InvariantCulture);
                throw new AzuritePortInUseException(port, $"Azurite could not listen on port {port}: something else already listens there.");
            }

            throw new InvalidOperationException($"Azurite exited with code {process.ExitCode} before listening on ports {string.Join(", ", ports.All)}: {text}");
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Azurite did not listen on ports {string.Join(", ", ports.All)} within {StartTimeout.TotalSeconds:0} s: {ErrorText()}");
        }
    }

    private void OnOutput(string? line)
    {
        if (line is null || Listening().Match(line) is not { Success: true } listening)
        {
            return;
        }

        lock (listeningServices)
        {
            listeningServices.Add(listening.Groups["service"].Value);
            if (listeningServices.Count == 3)
            {
                allListening.TrySetResult();
            }
        }
    }

    private void OnError(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (errors)
        {
            errors.AppendLine(line);
        }
    }

    private string ErrorText()
    {
        lock (errors)
        {
            return errors.Length == 0 ? "(no output on stderr)" : errors.ToString().Trim();
        }
    }

    private static IEnumerable<string> Arguments(AzuritePorts ports, string? dataDirectory)
    {
        // --silent turns off the access log only; the "successfully listening" lines this class waits for remain.
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

    [GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at ", RegexOptions.CultureInvariant)]
    private static partial Regex Listening();

    [GeneratedRegex(@"EADDRINUSE: address already in use [^\s:]+:(?<port>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex PortInUse();
}
