using System.Buffers.Text;
using System.Globalization;
using System.Text;
using WebhookFunctions.Engine.Common;

namespace WebhookFunctions.ServiceBus.DeadLetters;

/// <summary>
/// The continuation token of a dead-letter listing on Service Bus: the sequence number to peek from next, wrapped so
/// that a token from another listing is recognised and refused.
/// </summary>
internal static class DeadLetterCursor
{
    private const string Prefix = "sbdlq:";

    public static string Encode(long nextSequenceNumber)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nextSequenceNumber);
        var text = Prefix + nextSequenceNumber.ToString(CultureInfo.InvariantCulture);
        return Base64Url.EncodeToString(Encoding.ASCII.GetBytes(text));
    }

    /// <returns>The sequence number to peek from; null (start at the beginning) when there is no token.</returns>
    /// <exception cref="InvalidContinuationTokenException">The token is not one <see cref="Encode"/> made.</exception>
    public static long? Decode(string? continuationToken)
    {
        if (string.IsNullOrEmpty(continuationToken))
        {
            return null;
        }

        string text;
        try
        {
            text = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(continuationToken));
        }
        catch (FormatException)
        {
            throw Invalid();
        }

        if (!text.StartsWith(Prefix, StringComparison.Ordinal)
            || !long.TryParse(text.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var sequenceNumber))
        {
            throw Invalid();
        }

        return sequenceNumber;
    }

    private static InvalidContinuationTokenException Invalid() =>
        new("The continuation token is not one this dead-letter listing returned.");
}
