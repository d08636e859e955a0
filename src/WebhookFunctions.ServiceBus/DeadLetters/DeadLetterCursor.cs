using System.Buffers.Text;
using System.Globalization;
using System.Text;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.DeadLetters;

namespace WebhookFunctions.ServiceBus.DeadLetters;

/// <summary>
/// The continuation token of a dead-letter listing on Service Bus: which dead-letter sub-queue the listing is in (the
/// deliveries queue's, "d", or the fan-out subscription's, "f") and the sequence number to peek from next there,
/// wrapped so that a token from another listing is recognised and refused.
/// </summary>
internal static class DeadLetterCursor
{
    private const string Prefix = "sbdlq:";
    private const string DeliveryTag = "d:";
    private const string FanOutTag = "f:";

    public static string Encode(DeadLetterStage source, long nextSequenceNumber)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nextSequenceNumber);
        var tag = source switch
        {
            DeadLetterStage.Delivery => DeliveryTag,
            DeadLetterStage.FanOut => FanOutTag,
            _ => throw new ArgumentOutOfRangeException(nameof(source), source, null),
        };
        var text = Prefix + tag + nextSequenceNumber.ToString(CultureInfo.InvariantCulture);
        return Base64Url.EncodeToString(Encoding.ASCII.GetBytes(text));
    }

    /// <returns>The sub-queue and the sequence number to peek from there; null (start at the beginning) when there is no token.</returns>
    /// <exception cref="InvalidContinuationTokenException">The token is not one <see cref="Encode"/> made.</exception>
    public static (DeadLetterStage Source, long NextSequenceNumber)? Decode(string? continuationToken)
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

        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw Invalid();
        }

        var rest = text.AsSpan(Prefix.Length);
        DeadLetterStage source;
        if (rest.StartsWith(DeliveryTag, StringComparison.Ordinal))
        {
            source = DeadLetterStage.Delivery;
        }
        else if (rest.StartsWith(FanOutTag, StringComparison.Ordinal))
        {
            source = DeadLetterStage.FanOut;
        }
        else
        {
            throw Invalid();
        }

        return long.TryParse(rest[DeliveryTag.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var sequenceNumber)
            ? (source, sequenceNumber)
            : throw Invalid();
    }

    private static InvalidContinuationTokenException Invalid() =>
        new("The continuation token is not one this dead-letter listing returned.");
}
