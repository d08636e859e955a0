using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using WebhookFunctions.Http.Routing;
using WebhookFunctions.Samples.Receiver;
using Xunit.Abstractions;
using WebhookFunctions.Testing.Waiting;

namespace WebhookFunctions.EndToEndTests.Reference;

/// <summary>
/// The README's "Try it", run as written: the sample receiver it starts first (here in process, on port 0), then its
/// walkthrough block executed by bash with curl and jq against the real server; only the two ports are replaced.
/// </summary>
public sealed class ReadmeWalkthroughTests(ITestOutputHelper log) : IAsyncLifetime
{
    private static readonly TimeSpan WalkthroughLimit = TimeSpan.FromMinutes(2);
    private DevelopmentServer server = null!;
    private WebApplication receiver = null!;

    public async Task InitializeAsync()
    {
        server = await DevelopmentServer.StartAsync();
        receiver = ReceiverApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
        await receiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await receiver.StopAsync();
        await receiver.DisposeAsync();
        await server.DisposeAsync();
    }

    [Fact]
    public async Task The_walkthrough_runs_as_pasted_and_the_sample_receiver_verifies_every_delivery()
    {
        var blocks = Readme.ShellBlocks(Readme.Section("Try it"));
        Assert.Equal("dotnet run --project samples/Receiver\n", blocks[0]);
        var script = blocks[1]
            .Replace("localhost:7071", $"localhost:{server.BaseAddress.Port}", StringComparison.Ordinal)
            .Replace("localhost:5080", $"localhost:{new Uri(receiver.Urls.Single()).Port}", StringComparison.Ordinal);

        var (exitCode, output, errors) = await RunBashAsync(script);
        log.WriteLine(output);

        Assert.True(exitCode == 0, $"bash exited {exitCode}\n{errors}\n{output}");
        Assert.Empty(errors);
        var subscriptionId = Line(output, "subscription ")["subscription ".Length..];
        Assert.StartsWith("sub_", subscriptionId, StringComparison.Ordinal);
        Assert.StartsWith("evt_", Line(output, "event ")["event ".Length..], StringComparison.Ordinal);
        Assert.Contains("\"reason\":\"endpointGone\"", output, StringComparison.Ordinal);
        Assert.Contains("""{"matched":1,"replayed":0,"skipped":{"subscriptionDisabled":1}}""", output, StringComparison.Ordinal);
        Assert.Contains("""{"matched":1,"replayed":1,"skipped":{}}""", output, StringComparison.Ordinal);

        var received = await Eventually.ValueAsync(
            () => Task.FromResult(receiver.Services.GetRequiredService<ReceivedWebhooks>().All()),
            all => all.Count >= 3,
            all => $"the sample receiver got 3 webhooks (it got {all.Count})");
        // The replayed order 43 and the test event are sent independently: their order of arrival is not fixed.
        Assert.Equal(["order.created", "order.created", "webhook.test"], received.Select(webhook => webhook.Type).Order(StringComparer.Ordinal));
        Assert.Equal(
            [42, 43],
            received.Where(webhook => webhook.Type == "order.created").Select(webhook => JsonDocument.Parse(webhook.Body).RootElement.GetProperty("data").GetProperty("orderId").GetInt32()).Order());
        Assert.All(received, webhook => Assert.Equal(0, webhook.Duplicates));

        using var client = server.CreateClient();
        var subscription = await client.GetFromJsonAsync<JsonElement>($"/api/subscriptions/{subscriptionId}");
        Assert.Equal("enabled", subscription.GetProperty("status").GetString());
        var deadLetters = await client.GetFromJsonAsync<JsonElement>($"/api/dead-letters?subscriptionId={subscriptionId}");
        Assert.Empty(deadLetters.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public void The_readme_route_table_lists_exactly_the_route_table()
    {
        var rows = Readme.Section("Try it").Split('\n')
            .Where(line => line.StartsWith("| GET ", StringComparison.Ordinal) || line.StartsWith("| POST ", StringComparison.Ordinal)
                || line.StartsWith("| PATCH ", StringComparison.Ordinal) || line.StartsWith("| DELETE ", StringComparison.Ordinal))
            .Select(line => line.Split('|', StringSplitOptions.TrimEntries))
            .Select(cells => $"{cells[1]} {cells[2].Trim('`')}")
            .Order(StringComparer.Ordinal);

        Assert.Equal(ApiRouteTable.All.Select(route => $"{route.Method} {route.Path}").Order(StringComparer.Ordinal), rows);
    }

    private static string Line(string output, string prefix) =>
        output.Split('\n').SingleOrDefault(line => line.StartsWith(prefix, StringComparison.Ordinal)) ?? throw new InvalidOperationException($"No line '{prefix}…' in\n{output}");

    private static async Task<(int ExitCode, string Output, string Errors)> RunBashAsync(string script)
    {
        using var bash = Process.Start(new ProcessStartInfo("bash", ["-e", "-o", "pipefail", "-s"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var output = bash.StandardOutput.ReadToEndAsync();
        var errors = bash.StandardError.ReadToEndAsync();
        await bash.StandardInput.WriteAsync(script);
        bash.StandardInput.Close();
        using var limit = new CancellationTokenSource(WalkthroughLimit);
        try
        {
            await bash.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            bash.Kill(entireProcessTree: true);
            throw new TimeoutException($"The walkthrough did not end within {WalkthroughLimit}:\n{await output}\n{await errors}");
        }

        return (bash.ExitCode, await output, await errors);
    }
}
