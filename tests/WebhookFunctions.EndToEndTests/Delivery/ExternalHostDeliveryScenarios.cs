using WebhookFunctions.EndToEndTests.Hosting;
using WebhookFunctions.Testing.Scenarios;

namespace WebhookFunctions.EndToEndTests.Delivery;

/// <summary>
/// The shared delivery scenarios against the host at WEBHOOK_E2E_BASE_URL: the Functions app under `func start` in
/// .github/workflows/functions-e2e.yml. Skipped, with that reason, where the variable is not set.
/// </summary>
[Collection(ExternalScenarioCollection.Name)]
[HostFromEnvironment(ExternalServer.BaseUrlVariable)]
public sealed class ExternalHostDeliveryScenarios(ExternalScenarioHost host) : DeliveryScenarios(host, host.Receiver);
