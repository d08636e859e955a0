using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Health;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.Engine.Retention;
using WebhookFunctions.Engine.Subscriptions;
using WebhookFunctions.IntegrationTests.Infrastructure;
using WebhookFunctions.Storage;
using WebhookFunctions.Storage.Queues;
using WebhookFunctions.Storage.Retention;
using WebhookFunctions.Storage.Tables;
using WebhookFunctions.Storage.Workers;

namespace WebhookFunctions.IntegrationTests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class StorageRegistrationTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task The_registered_initializer_creates_everything_and_both_probes_report_healthy()
    {
        await using var services = Build(new() { ["Storage:NamePrefix"] = "reg" + Guid.NewGuid().ToString("N")[..8] });

        await services.GetRequiredService<StorageInitializer>().EnsureCreatedAsync(CancellationToken.None);

        var probes = services.GetServices<IHealthProbe>().ToList();
        Assert.Equal(["queue", "storage"], probes.Select(p => p.Name).Order());
        foreach (var probe in probes)
        {
            await probe.CheckAsync(CancellationToken.None);
        }

        // Each port is the Azure Storage adapter, not whatever else a host might have registered.
        Assert.IsType<SubscriptionTableStore>(services.GetRequiredKeyedService<ISubscriptionStore>(CachingSubscriptionStore.InnerKey));
        Assert.IsType<RecentEventCache>(services.GetRequiredService<IEventStore>());
        Assert.IsType<IdempotencyTableStore>(services.GetRequiredService<IIdempotencyStore>());
        Assert.IsType<DeliveryLogTableStore>(services.GetRequiredService<IDeliveryLog>());
        Assert.IsType<DeadLetterTableStore>(services.GetRequiredService<IDeadLetterStore>());
        Assert.IsType<StorageEventQueue>(services.GetRequiredService<IEventQueue>());
        Assert.IsType<StorageDeliveryQueue>(services.GetRequiredService<IDeliveryQueue>());
        Assert.IsType<ExpiryTableStore>(services.GetRequiredService<IExpiryStore>());
    }

    [Fact]
    public async Task Probes_fail_as_not_found_before_the_tables_and_queues_exist()
    {
        await using var services = Build(new() { ["Storage:NamePrefix"] = "none" + Guid.NewGuid().ToString("N")[..8] });

        foreach (var probe in services.GetServices<IHealthProbe>())
        {
            var failure = await Assert.ThrowsAnyAsync<Exception>(() => probe.CheckAsync(CancellationToken.None));
            Assert.Equal(HealthReasons.NotFound, probe.ReasonFor(failure));
        }
    }

    [Fact]
    public async Task Worker_options_bind_from_the_Workers_section_with_defaults_for_the_rest()
    {
        await using var services = Build(new() { ["Workers:DeliveryConcurrency"] = "4", ["Workers:MaxPollDelay"] = "00:00:02" });

        var options = services.GetRequiredService<IOptions<WorkerOptions>>().Value;

        Assert.Equal(4, options.DeliveryConcurrency);
        Assert.Equal(TimeSpan.FromSeconds(2), options.MaxPollDelay);
        Assert.Equal(2, options.FanOutConcurrency);
        Assert.Equal(32, options.ReceiveBatchSize);
        Assert.Equal(TimeSpan.FromMilliseconds(50), options.MinPollDelay);
    }

    [Theory]
    [InlineData("Storage:NamePrefix", "Bad_Prefix")]
    [InlineData("Storage:ConnectionString", "")]
    [InlineData("Workers:ReceiveBatchSize", "33")]
    [InlineData("Workers:MinPollDelay", "00:00:05")]
    public async Task Invalid_settings_are_refused_with_an_OptionsValidationException(string key, string value)
    {
        await using var services = Build(new() { [key] = value });

        Assert.Throws<OptionsValidationException>(() =>
        {
            _ = services.GetRequiredService<IOptions<StorageOptions>>().Value;
            _ = services.GetRequiredService<IOptions<WorkerOptions>>().Value;
        });
    }

    private ServiceProvider Build(Dictionary<string, string?> settings)
    {
        settings.TryAdd("Storage:ConnectionString", azurite.ConnectionString);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddLogging()
            .AddStorageQueueTransport(configuration)
            .BuildServiceProvider();
    }
}
