using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using WebhookFunctions.Development;

namespace WebhookFunctions.SelfHosted;

/// <summary>
/// Failures that come from how the server was started, not from a bug: each is one line that says what to change.
/// Anything else is left to crash with its stack trace.
/// </summary>
internal static class StartupFailure
{
    public static string? Describe(Exception exception) => exception switch
    {
        OptionsValidationException invalid => $"Configuration error: {invalid.Message}",
        AzuritePortInUseException storage => $"Storage emulator error: {storage.Message}",
        IOException { InnerException: AddressInUseException } or IOException { InnerException: SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } } =>
            $"Cannot listen: {exception.Message} Stop the other process or set Urls (environment variable Urls) to a free address.",
        InvalidDataException unreadable => $"Configuration error: {unreadable.Message}{(unreadable.InnerException is { } inner ? " " + inner.Message : "")}",
        _ => null,
    };
}
