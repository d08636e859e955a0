using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using WebhookFunctions.Functions.Hosting;

IHost host;
try
{
    host = FunctionsApp.Build(args);
}
catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException)
{
    // A configuration mistake: one clear line in the Functions host's log, no stack trace.
    await Console.Error.WriteLineAsync($"Configuration error: {ex.Message}");
    return 1;
}

await host.RunAsync();
return 0;
