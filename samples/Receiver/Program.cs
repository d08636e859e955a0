using WebhookFunctions.Samples.Receiver;

await ReceiverApp.Build(args).RunAsync();
