using WebhookFunctions.Testing.Scenarios;

namespace WebhookFunctions.FunctionsTests.Flow;

/// <summary>The shared delivery scenarios against the Functions app in process, on Azurite and the broker double.</summary>
[Collection(FunctionsFlowCollection.Name)]
public sealed class FunctionsDeliveryScenarios(FunctionsFlow flow) : DeliveryScenarios(flow, flow.Receiver);
