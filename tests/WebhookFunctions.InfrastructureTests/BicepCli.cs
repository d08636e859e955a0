using System.Diagnostics;
using System.Reflection;

namespace WebhookFunctions.InfrastructureTests;

/// <summary>The Bicep CLI restored by this project (PackageDownload), run as a process.</summary>
internal static class BicepCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public static string InfraDirectory { get; } = Metadata("InfraDirectory");

    public static async Task<BicepRun> RunAsync(string workingDirectory, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(ExecutablePath())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("The Bicep CLI did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }

        return new BicepRun(process.ExitCode, await output, await error);
    }

    private static string ExecutablePath()
    {
        var path = Environment.GetEnvironmentVariable("BICEP_CLI") is { Length: > 0 } overridden ? overridden : Metadata("BicepCliPath");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"No Bicep CLI at {path}. Restore this project (it downloads Azure.Bicep.CommandLine.linux-x64), or set BICEP_CLI to a bicep executable.");
        }

        // Package extraction does not always keep the executable bit.
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            if (!mode.HasFlag(UnixFileMode.UserExecute))
            {
                File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute);
            }
        }

        return path;
    }

    private static string Metadata(string key) =>
        typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"The test assembly has no {key} metadata; see the project file.");
}

internal sealed record BicepRun(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Every diagnostic the CLI printed (it prints them on standard error).</summary>
    public IReadOnlyList<BicepDiagnostic> Diagnostics => BicepDiagnostic.Parse(StandardError + Environment.NewLine + StandardOutput);

    public override string ToString() => $"exit {ExitCode}{Environment.NewLine}{StandardError}{StandardOutput}";
}
