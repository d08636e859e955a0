using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using WebhookFunctions.IntegrationTests.Infrastructure;
using WebhookFunctions.Development;

namespace WebhookFunctions.IntegrationTests.Development;

[Collection(AzuriteCollection.Name)]
public sealed class AzuriteLauncherTests(AzuriteFixture azurite)
{
    [Theory]
    [InlineData("UseDevelopmentStorage=true", 10000, 10001, 10002)]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:20000/devstoreaccount1;QueueEndpoint=http://localhost:20001/devstoreaccount1;TableEndpoint=http://127.0.0.1:20002/devstoreaccount1", 20000, 20001, 20002)]
    public void Development_storage_connection_strings_name_their_ports(string connectionString, int blob, int queue, int table)
    {
        Assert.Equal(new AzuritePorts(blob, queue, table), AzuritePorts.FromConnectionString(connectionString));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=prod;AccountKey=a2V5;EndpointSuffix=core.windows.net")]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=prod;AccountKey=a2V5;BlobEndpoint=https://prod.blob.core.windows.net;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1")]
    public async Task Nothing_is_started_for_an_account_that_is_not_local(string? connectionString)
    {
        Assert.Null(AzuritePorts.FromConnectionString(connectionString));
        Assert.Null(await AzuriteLauncher.StartIfNeededAsync(connectionString, null, NullLogger.Instance, CancellationToken.None));
    }

    [Fact]
    public async Task Nothing_is_started_when_Azurite_already_listens_on_the_ports()
    {
        Assert.Null(await AzuriteLauncher.StartIfNeededAsync(azurite.ConnectionString, null, NullLogger.Instance, CancellationToken.None));
    }

    [Fact]
    public async Task A_launched_Azurite_stops_listening_once_disposed()
    {
        var launcher = await AzuriteLauncher.StartOnFreePortsAsync(NullLogger.Instance, CancellationToken.None);
        var port = launcher.Ports.Table;
        Assert.True(await AcceptsAsync(port));

        await launcher.DisposeAsync();

        Assert.False(await AcceptsAsync(port));
    }

    [Fact]
    public async Task A_port_taken_between_choosing_and_binding_it_is_replaced_by_fresh_ones()
    {
        using var intruder = Listen();
        var raced = new AzuritePorts(AzuritePorts.FindFree().Blob, PortOf(intruder), AzuritePorts.FindFree().Table);
        var choices = new Queue<AzuritePorts>([raced]);
        var logger = new FakeLogger();

        await using var launcher = await AzuriteLauncher.StartOnFreePortsAsync(
            () => choices.TryDequeue(out var first) ? first : AzuritePorts.FindFree(), null, logger, CancellationToken.None);

        Assert.DoesNotContain(PortOf(intruder), launcher.Ports.All);
        Assert.True(await AcceptsAsync(launcher.Ports.Queue));
        var retry = Assert.Single(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains($"port {PortOf(intruder)} was taken", retry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ports_that_are_always_taken_end_in_one_error_naming_every_port_tried()
    {
        using var intruder = Listen();
        var tried = new List<AzuritePorts>();
        var logger = new FakeLogger();

        var refused = await Assert.ThrowsAsync<AzuritePortInUseException>(() => AzuriteLauncher.StartOnFreePortsAsync(
            () =>
            {
                var free = AzuritePorts.FindFree();
                tried.Add(free with { Table = PortOf(intruder) });
                return tried[^1];
            },
            null,
            logger,
            CancellationToken.None));

        Assert.Equal(AzuriteLauncher.FreePortAttempts, tried.Count);
        Assert.Equal(AzuriteLauncher.FreePortAttempts - 1, logger.Collector.GetSnapshot().Count(r => r.Level == LogLevel.Warning));
        Assert.All(tried.SelectMany(p => p.All), port => Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), refused.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Configured_ports_are_never_changed_a_taken_one_is_a_clear_error()
    {
        using var intruder = Listen();
        var configured = AzuritePorts.FindFree() with { Queue = PortOf(intruder) };

        var refused = await Assert.ThrowsAsync<AzuritePortInUseException>(
            () => AzuriteLauncher.StartAsync(configured, null, NullLogger.Instance, CancellationToken.None));

        Assert.Equal(PortOf(intruder), refused.Port);
        Assert.Contains(PortOf(intruder).ToString(System.Globalization.CultureInfo.InvariantCulture), refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Environment.NewLine, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restart_on_the_same_ports_waits_until_they_are_free()
    {
        var ports = AzuritePorts.FindFree();
        var holder = new TcpListener(IPAddress.Loopback, ports.Table);
        holder.Start();
        var release = Task.Delay(TimeSpan.FromSeconds(1)).ContinueWith(_ => holder.Stop(), TaskScheduler.Default);

        await using var launcher = await AzuriteLauncher.StartWhenPortsAreFreeAsync(ports, null, TimeSpan.FromSeconds(20), NullLogger.Instance, CancellationToken.None);
        await release;

        Assert.Equal(ports, launcher.Ports);
        Assert.True(await AcceptsAsync(ports.Table));
    }

    [Fact]
    public async Task A_restart_on_ports_that_stay_taken_gives_up_and_says_so()
    {
        using var intruder = Listen();
        var ports = AzuritePorts.FindFree() with { Blob = PortOf(intruder) };

        var refused = await Assert.ThrowsAsync<AzuritePortInUseException>(
            () => AzuriteLauncher.StartWhenPortsAreFreeAsync(ports, null, TimeSpan.FromSeconds(2), NullLogger.Instance, CancellationToken.None));

        Assert.Contains($"port {PortOf(intruder)} was still in use after 2 s", refused.Message, StringComparison.Ordinal);
    }

    private static DisposableListener Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new DisposableListener(listener);
    }

    private static int PortOf(DisposableListener listener) => ((IPEndPoint)listener.Listener.LocalEndpoint).Port;

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private sealed class DisposableListener(TcpListener listener) : IDisposable
    {
        public TcpListener Listener { get; } = listener;

        public void Dispose() => Listener.Stop();
    }
}
