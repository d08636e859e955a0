using System.Diagnostics;
using System.Text;
using System.Text.Json;
using WebhookFunctions.Engine.Delivery;

namespace WebhookFunctions.IntegrationTests.Signing;

/// <summary>Our signatures, checked by the official Standard Webhooks verifier (npm "standardwebhooks").</summary>
public class StandardWebhooksVerifierTests
{
    private const string EventId = "evt_01JDQ7ZKX4";
    private static readonly byte[] Body =
        Encoding.UTF8.GetBytes("{\"id\":\"evt_01JDQ7ZKX4\",\"type\":\"order.created\",\"timestamp\":\"2026-11-24T06:00:00.000Z\",\"data\":{\"note\":\"café ☕\"}}");

    [Fact]
    public async Task A_signature_we_make_verifies()
    {
        var secret = WebhookSigner.NewSecret();
        var headers = SignedHeaders([secret], Body);

        Assert.Equal(0, await VerifyAsync(secret, headers, Body));
    }

    [Fact]
    public async Task A_tampered_body_does_not_verify()
    {
        var secret = WebhookSigner.NewSecret();
        var headers = SignedHeaders([secret], Body);
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Body).Replace("café", "cafe", StringComparison.Ordinal));

        Assert.Equal(1, await VerifyAsync(secret, headers, tampered));
    }

    [Fact]
    public async Task During_rotation_a_receiver_holding_only_the_old_secret_still_verifies()
    {
        var oldSecret = WebhookSigner.NewSecret();
        var newSecret = WebhookSigner.NewSecret();
        var headers = SignedHeaders([newSecret, oldSecret], Body);

        Assert.Equal(0, await VerifyAsync(oldSecret, headers, Body));
        Assert.Equal(0, await VerifyAsync(newSecret, headers, Body));
        Assert.Equal(1, await VerifyAsync(WebhookSigner.NewSecret(), headers, Body));
    }

    private static Dictionary<string, string> SignedHeaders(string[] secrets, byte[] body)
    {
        // The verifier accepts timestamps within five minutes of its own clock.
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new Dictionary<string, string>
        {
            ["webhook-id"] = EventId,
            ["webhook-timestamp"] = timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["webhook-signature"] = WebhookSigner.SignatureHeader(secrets, EventId, timestamp, body),
        };
    }

    private static async Task<int> VerifyAsync(string secret, Dictionary<string, string> headers, byte[] body)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Signing", "verify-signature.mjs");
        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { script, RepositoryRoot() },
            RedirectStandardInput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        using var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        await node.StandardInput.WriteAsync(JsonSerializer.Serialize(new { secret, headers, body = Encoding.UTF8.GetString(body) }));
        node.StandardInput.Close();
        var errors = await node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await node.WaitForExitAsync(timeout.Token);

        Assert.True(node.ExitCode is 0 or 1, $"The verifier could not run (exit {node.ExitCode}): {errors}");
        return node.ExitCode;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (Directory.Exists(Path.Combine(directory.FullName, "node_modules", "standardwebhooks")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No node_modules/standardwebhooks above {AppContext.BaseDirectory}; run npm ci at the repository root.");
    }
}
