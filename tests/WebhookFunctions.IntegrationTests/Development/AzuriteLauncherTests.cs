using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using WebhookFunctions.IntegrationTests.Infrastructure;
using WebhookFunctions.Storage.Development;

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
        var launcher = await AzuriteLauncher.StartIfNeededAsync(AzuritePorts.FindFree().ToConnectionString(), null, NullLogger.Instance, CancellationToken.None);
        Assert.NotNull(launcher);
        var port = launcher.Ports.Table;

        await launcher.DisposeAsync();

        using var client = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync("127.0.0.1", port));
    }
}
