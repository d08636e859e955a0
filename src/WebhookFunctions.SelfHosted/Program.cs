using WebhookFunctions.SelfHosted;

try
{
    await SelfHostedServer.Build(args).RunAsync();
    return 0;
}
catch (Exception ex) when (StartupFailure.Describe(ex) is { } line)
{
    // A mistake in how the server was started: one clear line, no stack trace.
    await Console.Error.WriteLineAsync(line);
    return 1;
}
