using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Health;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.ServiceBus;
using WebhookFunctions.ServiceBus.DeadLetters;

namespace WebhookFunctions.ServiceBusTests.Registration;

public sealed class ServiceBusTransportRegistrationTests
{
    [Fact]
    public async Task A_connection_string_setting_connects_with_the_key_and_every_port_gets_its_Service_Bus_adapter()
    {
        await using var provider = Provider(new()
        {
            ["ServiceBusConnection"] = "Endpoint=sb://localhost/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;",
        });

        var client = provider.GetRequiredService<ServiceBusClient>();

        Assert.Equal("localhost", client.FullyQualifiedNamespace);
        Assert.IsType<ServiceBusEventQueue>(provider.GetRequiredService<IEventQueue>());
        Assert.IsType<ServiceBusDeliveryQueue>(provider.GetRequiredService<IDeliveryQueue>());
        Assert.IsType<ServiceBusDeadLetterStore>(provider.GetRequiredService<IDeadLetterStore>());
        Assert.IsType<ServiceBusHealthProbe>(Assert.Single(provider.GetServices<IHealthProbe>()));
    }

    [Fact]
    public async Task A_namespace_setting_connects_with_the_managed_identity_azd_configures()
    {
        await using var provider = Provider(new()
        {
            ["ServiceBusConnection:fullyQualifiedNamespace"] = "sb-webhooks.servicebus.windows.net",
            ["ServiceBusConnection:clientId"] = "00000000-0000-0000-0000-000000000001",
        });

        Assert.Equal("sb-webhooks.servicebus.windows.net", provider.GetRequiredService<ServiceBusClient>().FullyQualifiedNamespace);
    }

    [Fact]
    public async Task Without_either_setting_the_error_names_both()
    {
        await using var provider = Provider([]);

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<ServiceBusClient>());

        Assert.Contains("ServiceBusConnection__fullyQualifiedNamespace", error.Message, StringComparison.Ordinal);
        Assert.Contains("ServiceBusConnection (a connection string", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Provider(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddServiceBusTransport(configuration).BuildServiceProvider();
    }
}
