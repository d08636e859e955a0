using WebhookFunctions.Testing.Scenarios;

namespace WebhookFunctions.EndToEndTests.Delivery;

/// <summary>The shared delivery scenarios against the self-hosted server.</summary>
[Collection(SelfHostedScenarioCollection.Name)]
public sealed class SelfHostedDeliveryScenarios(SelfHostedScenarioHost host) : DeliveryScenarios(host, host.Receiver);
