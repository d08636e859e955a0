using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WebhookFunctions.Engine;
using WebhookFunctions.Engine.Faults;
using WebhookFunctions.ServiceBus;
using WebhookFunctions.ServiceBus.Faults;

namespace WebhookFunctions.ServiceBusTests.Faults;

/// <summary>What the real SDK marks transient, read from the exceptions it constructs.</summary>
public sealed class ServiceBusTransientFaultRuleTests
{
    private readonly ServiceBusTransientFaultRule rule = new();

    [Theory]
    [InlineData(ServiceBusFailureReason.ServiceBusy)]
    [InlineData(ServiceBusFailureReason.ServiceTimeout)]
    [InlineData(ServiceBusFailureReason.ServiceCommunicationProblem)]
    public void The_broker_busy_timing_out_or_unreachable_is_transient(ServiceBusFailureReason reason) =>
        Assert.True(rule.IsTransient(new ServiceBusException("down", reason, "deliveries")));

    [Theory]
    [InlineData(ServiceBusFailureReason.GeneralError)]
    [InlineData(ServiceBusFailureReason.MessagingEntityNotFound)]
    [InlineData(ServiceBusFailureReason.MessageLockLost)]
    [InlineData(ServiceBusFailureReason.MessageSizeExceeded)]
    [InlineData(ServiceBusFailureReason.QuotaExceeded)]
    [InlineData(ServiceBusFailureReason.MessagingEntityDisabled)]
    [InlineData(ServiceBusFailureReason.MessagingEntityAlreadyExists)]
    public void A_refused_request_or_a_lost_lock_is_not(ServiceBusFailureReason reason) =>
        Assert.False(rule.IsTransient(new ServiceBusException("refused", reason, "deliveries")));

    [Fact]
    public void The_exceptions_own_flag_decides_whatever_its_reason()
    {
        Assert.True(rule.IsTransient(new ServiceBusException(isTransient: true, "link detached", "events", ServiceBusFailureReason.GeneralError)));
        Assert.False(rule.IsTransient(new ServiceBusException(isTransient: false, "busy, but final", "events", ServiceBusFailureReason.ServiceBusy)));
    }

    [Fact]
    public void Other_exceptions_are_left_to_the_other_rules()
    {
        Assert.False(rule.IsTransient(new UnauthorizedAccessException("no Data Receiver role")));
        Assert.False(rule.IsTransient(new InvalidOperationException()));
    }

    [Fact]
    public async Task The_transport_registers_the_rule_so_the_engines_classifier_knows_Service_Bus_faults()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ServiceBusConnection:fullyQualifiedNamespace"] = "sb-webhooks.servicebus.windows.net" })
            .Build();
        var services = new ServiceCollection().AddLogging().AddWebhookEngine(configuration).AddServiceBusTransport(configuration);
        services.AddServiceBusTransport(configuration);
        await using var provider = services.BuildServiceProvider();

        var classifier = provider.GetRequiredService<TransientFaultClassifier>();

        Assert.IsType<ServiceBusTransientFaultRule>(Assert.Single(provider.GetServices<ITransientFaultRule>()));
        Assert.True(classifier.IsTransient(new ServiceBusException("busy", ServiceBusFailureReason.ServiceBusy), CancellationToken.None));
        Assert.False(classifier.IsTransient(new ServiceBusException("gone", ServiceBusFailureReason.MessagingEntityNotFound), CancellationToken.None));
    }
}
