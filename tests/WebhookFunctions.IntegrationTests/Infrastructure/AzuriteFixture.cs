using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using WebhookFunctions.Development;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace WebhookFunctions.IntegrationTests.Infrastructure;

/// <summary>One in-memory Azurite per test run, on free ports so it never meets a developer's Azurite.</summary>
public sealed class AzuriteFixture(IMessageSink diagnostics) : IAsyncLifetime
{
    private AzuriteLauncher? launcher;

    public string ConnectionString => launcher?.ConnectionString ?? throw new InvalidOperationException("Azurite has not started.");

    public AzuritePorts Ports => launcher?.Ports ?? throw new InvalidOperationException("Azurite has not started.");

    public async Task InitializeAsync()
    {
        var started = Stopwatch.StartNew();
        launcher = await AzuriteLauncher.StartOnFreePortsAsync(NullLogger.Instance, CancellationToken.None);
        diagnostics.OnMessage(new DiagnosticMessage($"Azurite started on ports {string.Join(", ", launcher.Ports.All)} in {started.ElapsedMilliseconds} ms."));
    }

    public async Task DisposeAsync()
    {
        if (launcher is not null)
        {
            await launcher.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
