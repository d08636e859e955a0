using System.Security.Cryptography;
using System.Text;

namespace WebhookFunctions.ServiceBus.Messages;

internal static class MessageIds
{
    /// <summary>
    /// The id itself when Service Bus accepts its length, else its SHA-256 in hex: still deterministic, so duplicate
    /// detection keeps working for long ids.
    /// </summary>
    public static string Bounded(string id) =>
        id.Length <= ServiceBusMessageShape.MaxMessageIdLength
            ? id
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
}
