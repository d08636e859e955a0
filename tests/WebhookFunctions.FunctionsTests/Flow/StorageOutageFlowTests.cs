using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using WebhookFunctions.Development;
using WebhookFunctions.Testing.Receivers;
using WebhookFunctions.Testing.Scenarios;
using WebhookFunctions.Testing.ServiceBus;
using WebhookFunctions.Testing.Waiting;
using Xunit.Abstractions;

namespace WebhookFunctions.FunctionsTests.Flow;

/// <summary>
/// Faults never burn deliveries, on the Functions app: storage (Azurite, data on disk) stops for 30 s while deliveries
/// are in flight, then starts again on the same ports. Every event must reach every subscriber, nothing may be
/// dead-lettered, and a fault must cost a message a rescheduled copy, not a delivery counted against MaxDeliveryCount.
/// The counts are reported.
/// </summary>
[Trait("Category", "Outage")]
public sealed class StorageOutageFlowTests(ITestOutputHelper output)
{
    private const int Events = 15;
    private const int WebhooksBeforeOutage = 4;
    private static readonly string[] Subscribers = ["slow0", "slow1"];
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ReceiverDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan SettlePatience = TimeSpan.FromMinutes(4);

    /// <summary>
    /// A message is delivered once; once more only if a fault's copy could not be scheduled or its original could not
    /// be completed (Service Bus is up here, so neither should happen) or its lock ran out.
    /// </summary>
    private const int MostDeliveriesOfOneMessage = 2;

    [Fact]
    public async Task A_30_second_storage_outage_with_deliveries_in_flight_delivers_everything_dead_letters_nothing_and_costs_no_counted_delivery()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("webhooks-flow-outage-");
        var azurite = await AzuriteLauncher.StartOnFreePortsAsync(AzuritePorts.FindFree, dataDirectory.FullName, NullLogger.Instance, CancellationToken.None);
        try
        {
            var flow = new FunctionsFlow(azurite.ConnectionString);
            await flow.InitializeAsync();
            try
            {
                azurite = await RunThroughOutageAsync(flow, azurite, dataDirectory.FullName);
            }
            finally
            {
                await flow.DisposeAsync();
            }
        }
        finally
        {
            await azurite.DisposeAsync();
            dataDirectory.Delete(recursive: true);
        }
    }

    private async Task<AzuriteLauncher> RunThroughOutageAsync(FunctionsFlow flow, AzuriteLauncher azurite, string dataDirectory)
    {
        var clock = Stopwatch.StartNew();
        var type = $"outage{Guid.NewGuid():N}"[..14] + ".tick";
        var api = new ContractClient(flow);
        foreach (var name in Subscribers)
        {
            await api.SubscribeAsync(flow.Receiver.Endpoint(name, Answer.After(ReceiverDelay, 200)), type);
        }

        var eventIds = new List<string>();
        for (var i = 0; i < Events; i++)
        {
            eventIds.Add(await api.PublishAcceptedAsync(type, $$"""{"n":{{i}}}"""));
        }

        await Eventually.HoldsAsync(() => Task.FromResult(Arrivals(flow).Count >= WebhooksBeforeOutage), "the first webhooks arrive before the outage");
        var deliveredAtStop = Arrivals(flow).Count;
        var ports = azurite.Ports;
        await azurite.StopGracefullyAsync(TimeSpan.FromSeconds(15));
        await azurite.DisposeAsync();
        var outageStarted = clock.Elapsed;
        await Task.Delay(Outage);
        azurite = await AzuriteLauncher.StartWhenPortsAreFreeAsync(ports, dataDirectory, TimeSpan.FromSeconds(30), NullLogger.Instance, CancellationToken.None);
        var outageEnded = clock.Elapsed;

        var pairs = eventIds.SelectMany(eventId => Subscribers.Select(name => (Endpoint: name, EventId: eventId))).ToList();
        await Eventually.HoldsAsync(
            () => Task.FromResult(Undelivered(flow, pairs).Count == 0),
            $"every (subscriber, event) pair is delivered (pump failures: {string.Join(" | ", flow.Pump.Failures.Select(f => f.Message).Distinct())})",
            SettlePatience);
        var settled = clock.Elapsed;
        await flow.WaitUntilIdleAsync();

        var deadLetters = await flow.Http.SendAsync("GET", "/api/dead-letters");
        Assert.True(deadLetters.StatusCode == 200, deadLetters.ToString());
        var invocations = flow.Pump.Invocations.ToList();
        var faultRetries = invocations.Where(i => i.FaultRetries > 0).ToList();
        var mostDeliveries = invocations.Max(i => i.DeliveryCount);
        var arrivals = Arrivals(flow);
        var duplicates = arrivals.Count - arrivals.Distinct().Count();
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"storage down {Outage.TotalSeconds:0} s (back {(outageEnded - outageStarted).TotalSeconds:0.0} s after the stop), {deliveredAtStop} of {pairs.Count} webhooks delivered at the stop: invocations {invocations.Count}, of them fault retries {faultRetries.Count} (fan-out {faultRetries.Count(i => i.EntityPath == WebhookTopology.FanOutSubscription)}, delivery {faultRetries.Count(i => i.EntityPath == WebhookTopology.Deliveries)}), most fault retries of one message {(faultRetries.Count == 0 ? 0 : faultRetries.Max(i => i.FaultRetries))}, most deliveries of one message {mostDeliveries} (bound {MostDeliveriesOfOneMessage}), functions that threw {flow.Pump.Failures.Count}; duplicate webhooks {duplicates}; all delivered {(settled - outageEnded).TotalSeconds:0} s after storage was back"));

        Assert.Empty(deadLetters.Json().GetProperty("items").EnumerateArray());
        Assert.Empty(flow.Broker.Peek(WebhookTopology.DeliveriesDeadLetters));
        Assert.Empty(flow.Broker.Peek(EntityPaths.DeadLetter(WebhookTopology.FanOutSubscription)));
        Assert.True(faultRetries.Count > 0, "No message met a fault: the outage caught no work in flight, so the run proves nothing.");
        Assert.InRange(mostDeliveries, 1, MostDeliveriesOfOneMessage);
        return azurite;
    }

    private static List<(string Endpoint, string EventId)> Arrivals(FunctionsFlow flow) =>
        Subscribers.SelectMany(name => flow.Receiver.At(name).Select(request => (name, request.Header("webhook-id")))).ToList();

    private static List<(string Endpoint, string EventId)> Undelivered(FunctionsFlow flow, List<(string Endpoint, string EventId)> pairs)
    {
        var delivered = Arrivals(flow).ToHashSet();
        return pairs.Where(pair => !delivered.Contains(pair)).ToList();
    }
}
