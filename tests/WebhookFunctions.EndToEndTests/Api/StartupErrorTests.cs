using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using WebhookFunctions.Development;
using WebhookFunctions.EndToEndTests.Resilience;

namespace WebhookFunctions.EndToEndTests.Api;

/// <summary>How a person starting the server by hand sees a mistake: one line on stderr, exit code 1, no stack trace.</summary>
public sealed class StartupErrorTests
{
    private const string StrongKey = "9cV2y3Qm8sKf0Lr1Tb7Xw4Ze6Hn5Pa2J";

    [Fact]
    public async Task A_port_in_use_is_one_line_and_exit_code_1()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port;

        var storage = Directory.CreateTempSubdirectory("webhooks-azurite-");
        var (exitCode, stderr) = await RunServerAsync(new()
        {
            ["Urls"] = $"http://127.0.0.1:{port}",
            ["Azurite__AutoStart"] = "true",
            ["Azurite__DataDirectory"] = storage.FullName,
            ["Storage__ConnectionString"] = AzuritePorts.FindFree().ToConnectionString(),
        });
        storage.Delete(recursive: true);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(stderr);
        Assert.StartsWith("Cannot listen:", line, StringComparison.Ordinal);
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_storage_port_held_by_something_else_is_one_line_and_exit_code_1()
    {
        using var impostor = new TcpListener(IPAddress.Loopback, 0);
        impostor.Start();
        var ports = AzuritePorts.FindFree() with { Queue = ((IPEndPoint)impostor.LocalEndpoint).Port };

        var (exitCode, stderr) = await RunServerAsync(new()
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Azurite__AutoStart"] = "true",
            ["Storage__ConnectionString"] = ports.ToConnectionString(),
        });

        Assert.Equal(1, exitCode);
        var line = Assert.Single(stderr);
        Assert.StartsWith("Storage emulator error:", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreadable_configuration_file_is_one_line_and_exit_code_1()
    {
        var directory = Directory.CreateTempSubdirectory("webhooks-config-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "appsettings.json"), "{ \"Api\": { \"Keys\": [ ");

            var (exitCode, stderr) = await RunServerAsync(new() { ["Urls"] = "http://127.0.0.1:0" }, contentRoot: directory.FullName);

            Assert.Equal(1, exitCode);
            var line = Assert.Single(stderr);
            Assert.StartsWith("Configuration error:", line, StringComparison.Ordinal);
            Assert.Contains("appsettings.json", line, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<(int ExitCode, IReadOnlyList<string> Stderr)> RunServerAsync(Dictionary<string, string> environment, string? contentRoot = null)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = contentRoot ?? AppContext.BaseDirectory,
        };
        startInfo.ArgumentList.Add(ServerProcess.ServerDll);
        if (contentRoot is not null)
        {
            startInfo.ArgumentList.Add("--contentRoot");
            startInfo.ArgumentList.Add(contentRoot);
        }

        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        startInfo.Environment["Api__Keys__0"] = StrongKey;
        startInfo.Environment["Logging__LogLevel__Default"] = "None";
        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("dotnet did not start.");
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The server did not exit within 60 s; it should have refused to start.");
        }

        return (process.ExitCode, (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
