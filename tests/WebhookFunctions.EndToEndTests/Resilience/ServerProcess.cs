using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace WebhookFunctions.EndToEndTests.Resilience;

/// <summary>
/// The self-hosted server as a separate process (<c>dotnet WebhookFunctions.SelfHosted.dll</c> from this test's
/// output), configured through environment variables, on a fixed port so it can be killed and started again.
/// </summary>
internal sealed class ServerProcess(IReadOnlyDictionary<string, string> environment) : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly Queue<string> recentOutput = new();
    private Process? process;

    public Uri BaseAddress { get; } = new($"http://127.0.0.1:{FreePort()}");

    public static string ServerDll => Path.Combine(AppContext.BaseDirectory, "WebhookFunctions.SelfHosted.dll");

    /// <summary>Starts the server and returns once its health check answers 200.</summary>
    public async Task StartAsync()
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

        startInfo.Environment["Urls"] = BaseAddress.ToString().TrimEnd('/');
        process = Process.Start(startInfo) ?? throw new InvalidOperationException("dotnet did not start.");
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var health = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with code {process.ExitCode}: {RecentOutput()}");
            }

            try
            {
                using var response = await health.GetAsync("/api/health");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (clock.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"The server was not healthy within {StartTimeout.TotalSeconds:0} s: {RecentOutput()}");
            }

            await Task.Delay(100);
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

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
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

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
