using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WebhookFunctions.Engine;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Functions.Telemetry;
using WebhookFunctions.Http;
using WebhookFunctions.ServiceBus;
using WebhookFunctions.Storage;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();

builder.Services.AddWorkerTelemetry(builder.Configuration);

builder.Services.AddWebhookEngine(builder.Configuration);
builder.Services.AddAzureStorageStores(builder.Configuration);
builder.Services.AddServiceBusTransport(builder.Configuration);

// Service Bus dead-letters whole messages, so each delivery message carries one subscription whatever the settings say.
builder.Services.PostConfigure<DeliveryOptions>(options => options.FanOutBatchSize = 1);

// The HTTP contract's handlers, the same classes the self-hosted server routes to; keys are the host's (AuthorizationLevel.Function).
builder.Services.AddWebhookHttp();

builder.Build().Run();
