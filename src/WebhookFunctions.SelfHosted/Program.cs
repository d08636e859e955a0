using Microsoft.Extensions.Options;
using WebhookFunctions.SelfHosted;

try
{
    await SelfHostedServer.Build(args).RunAsync();
    return 0;
}
catch (OptionsValidationException ex)
{
    // A configuration mistake: one clear line, no stack trace.
    await Console.Error.WriteLineAsync($"Configuration error: {ex.Message}");
    return 1;
}
