using System.Net;
using System.Net.Sockets;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using WebhookFunctions.Development;
using WebhookFunctions.Engine.Faults;
using WebhookFunctions.IntegrationTests.Infrastructure;
using WebhookFunctions.Storage;

namespace WebhookFunctions.IntegrationTests.Storage;

/// <summary>
/// What the real storage SDK throws when storage is down, slow or refuses a request, and how the classifier reads it:
/// the shapes are the SDK's, so they are pinned here rather than assumed.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageTransientFaultRuleTests(AzuriteFixture azurite)
{
    private static readonly TransientFaultClassifier Classifier = new([new StorageTransientFaultRule()]);

    [Fact]
    public async Task A_table_service_that_refuses_connections_is_a_transient_fault()
    {
        using var closed = ClosedPort(out var port);
        var tables = new TableServiceClient(new AzuritePorts(port, port, port).ToConnectionString(), new TableClientOptions { Retry = { MaxRetries = 2, Delay = TimeSpan.FromMilliseconds(10) } });

        var fault = await Record.ExceptionAsync(() => tables.GetTableClient("events").GetEntityIfExistsAsync<TableEntity>("p", "r"));

        // Azure.Core gives up after its own retries with an aggregate of the transport failures (status 0).
        var aggregate = Assert.IsType<AggregateException>(fault);
        Assert.All(aggregate.InnerExceptions, inner => Assert.Equal(0, Assert.IsType<RequestFailedException>(inner).Status));
        Assert.True(Classifier.IsTransient(fault, CancellationToken.None));
    }

    [Fact]
    public async Task A_queue_service_that_refuses_connections_is_a_transient_fault()
    {
        using var closed = ClosedPort(out var port);
        var queue = new QueueClient(new AzuritePorts(port, port, port).ToConnectionString(), "deliveries", new QueueClientOptions { Retry = { MaxRetries = 0 } });

        var fault = await Record.ExceptionAsync(() => queue.ReceiveMessagesAsync(1));

        Assert.Equal(0, Assert.IsType<RequestFailedException>(fault).Status);
        Assert.True(Classifier.IsTransient(fault, CancellationToken.None));
    }

    [Fact]
    public async Task A_storage_service_that_never_answers_times_out_as_a_transient_fault()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var tables = new TableServiceClient(
            new AzuritePorts(port, port, port).ToConnectionString(),
            new TableClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(1) } });

        var fault = await Record.ExceptionAsync(() => tables.GetTableClient("events").GetEntityIfExistsAsync<TableEntity>("p", "r"));

        // The SDK's network timeout is a cancellation the caller never asked for.
        Assert.IsAssignableFrom<OperationCanceledException>(fault);
        Assert.True(Classifier.IsTransient(fault, CancellationToken.None));
    }

    [Fact]
    public async Task Answers_that_refuse_the_request_are_not_faults()
    {
        var tables = new TableServiceClient(azurite.ConnectionString);
        var table = tables.GetTableClient("f" + Guid.NewGuid().ToString("N")[..12]);
        var missingTable = await Record.ExceptionAsync(() => table.GetEntityAsync<TableEntity>("p", "r"));
        await table.CreateAsync();
        await table.AddEntityAsync(new TableEntity("p", "r"));
        var duplicate = await Record.ExceptionAsync(() => table.AddEntityAsync(new TableEntity("p", "r")));
        var stale = await Record.ExceptionAsync(() => table.UpdateEntityAsync(new TableEntity("p", "r"), new ETag("W/\"datetime'2000-01-01T00%3A00%3A00.0000000Z'\"")));

        Assert.Equal([404, 409, 412], new[] { missingTable, duplicate, stale }.Select(e => Assert.IsType<RequestFailedException>(e).Status));
        Assert.All(new[] { missingTable, duplicate, stale }, e => Assert.False(Classifier.IsTransient(e!, CancellationToken.None)));
    }

    [Theory]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(400, false)]
    [InlineData(403, false)]
    [InlineData(413, false)]
    public void Storage_statuses_are_transient_when_waiting_can_change_the_answer(int status, bool transient)
    {
        Assert.Equal(transient, new StorageTransientFaultRule().IsTransient(new RequestFailedException(status, "answer")));
    }

    /// <summary>A port bound but not listening: a connection to it is refused at once, and no other process can take it meanwhile.</summary>
    private static Socket ClosedPort(out int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        return socket;
    }
}
