using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace WebhookFunctions.EndToEndTests.Resilience;

/// <summary>
/// The self-hosted server as a separate process (<c>dotnet WebhookFunctions.SelfHosted.dll</c> from this test's
/// output), configured through environment variables. The first start binds port 0 and reads the port Kestrel got;
/// later starts reuse it, so the server can be killed and started again behind the same address.
/// </summary>
internal sealed partial class ServerProcess(IReadOnlyDictionary<string, string> environment) : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly Queue<string> recentOutput = new();
    private Process? process;
    private Uri? baseAddress;

    public Uri BaseAddress => baseAddress ?? throw new InvalidOperationException("The server has not started yet.");

    /// <summary>The running server's process id; null while it is not running.</summary>
    public int? ProcessId => process is { HasExited: false } running ? running.Id : null;

    public static string ServerDll => Path.Combine(AppContext.BaseDirectory, "WebhookFunctions.SelfHosted.dll");

    /// <summary>
    /// Starts the server and returns once its health check answers 200. A restart whose port another process took
    /// in the meantime is tried again until <see cref="StartTimeout"/> runs out.
    /// </summary>
    public async Task StartAsync()
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var started = await TryStartAsync(clock);
            if (started)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }

    /// <summary>False when a restart found its port taken (the caller tries again); throws on any other failure.</summary>
    private async Task<bool> TryStartAsync(Stopwatch clock)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        startInfo.ArgumentList.Add(ServerDll);
        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        startInfo.Environment["Urls"] = baseAddress?.ToString().TrimEnd('/') ?? "http://127.0.0.1:0";
        startInfo.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process = Process.Start(startInfo) ?? throw new InvalidOperationException("dotnet did not start.");
        process.OutputDataReceived += (_, e) => Keep(e.Data, listening);
        process.ErrorDataReceived += (_, e) => Keep(e.Data, listening);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        while (true)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync();
                var output = RecentOutput();
                if (baseAddress is not null && output.Contains("address already in use", StringComparison.OrdinalIgnoreCase) && clock.Elapsed < StartTimeout)
                {
                    process.Dispose();
                    process = null;
                    return false;
                }

                throw new InvalidOperationException($"The server exited with code {process.ExitCode}: {output}");
            }

            if (listening.Task.IsCompleted && await IsHealthyAsync(baseAddress ??= listening.Task.Result))
            {
                return true;
            }

            if (clock.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"The server was not healthy within {StartTimeout.TotalSeconds:0} s: {RecentOutput()}");
            }

            await Task.Delay(100);
        }
    }

    private static async Task<bool> IsHealthyAsync(Uri address)
    {
        using var health = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            using var response = await health.GetAsync("/api/health");
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false; // Not listening yet.
        }
    }

    /// <summary>kill -9: no shutdown, nothing flushed, messages held stay invisible until their visibility timeout ends.</summary>
    public async Task KillAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
        process = null;
    }

    public string RecentOutput()
    {
        lock (recentOutput)
        {
            return string.Join(Environment.NewLine, recentOutput);
        }
    }

    public async ValueTask DisposeAsync() => await KillAsync();

    private void Keep(string? line, TaskCompletionSource<Uri> listening)
    {
        if (line is null)
        {
            return;
        }

        if (ListeningOn().Match(line) is { Success: true } address)
        {
            listening.TrySetResult(new Uri(address.Groups["address"].Value));
        }

        lock (recentOutput)
        {
            recentOutput.Enqueue(line);
            while (recentOutput.Count > 200)
            {
                recentOutput.Dequeue();
            }
        }
    }

    [GeneratedRegex(@"Now listening on: (?<address>http://[^""\s]+)", RegexOptions.CultureInvariant)]
    private static partial Regex ListeningOn();
}
