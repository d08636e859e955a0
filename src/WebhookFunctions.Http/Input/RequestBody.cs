using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using WebhookFunctions.Engine.Common;

namespace WebhookFunctions.Http.Input;

/// <summary>A request body read whole, with the media type it was sent as.</summary>
internal sealed record RequestBody(string MediaType, byte[] Content)
{
    /// <summary>The largest body the API accepts (events included).</summary>
    public const int MaxBytes = 256 * 1024;

    public const string Json = "application/json";

    public const string CloudEventsJson = "application/cloudevents+json";

    /// <summary>
    /// Checks the content type, then reads the body with a hard cap: a declared Content-Length above the cap is refused
    /// before reading, and never more than the cap plus one byte is buffered.
    /// </summary>
    public static async Task<Result<RequestBody>> ReadAsync(HttpRequest request, IReadOnlyList<string> acceptedMediaTypes, CancellationToken cancellationToken)
    {
        var mediaType = AcceptedMediaType(request.ContentType, acceptedMediaTypes);
        if (mediaType is null)
        {
            return new OperationError(
                ErrorKind.UnsupportedMediaType,
                $"Content-Type must be {string.Join(" or ", acceptedMediaTypes)} (UTF-8); got '{request.ContentType ?? "none"}'.");
        }

        if (request.ContentLength > MaxBytes)
        {
            return TooLarge();
        }

        var buffer = ArrayPool<byte>.Shared.Rent(MaxBytes + 1);
        try
        {
            var length = 0;
            while (length <= MaxBytes)
            {
                var read = await request.Body.ReadAsync(buffer.AsMemory(length, MaxBytes + 1 - length), cancellationToken);
                if (read == 0)
                {
                    // Checked here, once for every route: the JSON reader leaves string contents unchecked until they are
                    // read, and invalid UTF-8 found then is an exception, not a JSON error.
                    return System.Text.Unicode.Utf8.IsValid(buffer.AsSpan(0, length))
                        ? Result<RequestBody>.Success(new RequestBody(mediaType, buffer.AsSpan(0, length).ToArray()))
                        : OperationError.Invalid("body", "The request body is not valid UTF-8.");
                }

                length += read;
            }

            return TooLarge();
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }
        catch (BadHttpRequestException ex)
        {
            return OperationError.Invalid("body", $"The request body could not be read: {ex.Message}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static OperationError TooLarge() =>
        new(ErrorKind.PayloadTooLarge, $"The request body exceeds {MaxBytes / 1024} KiB.");

    private static string? AcceptedMediaType(string? contentType, IReadOnlyList<string> acceptedMediaTypes)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) || parsed.MediaType.Value is not { } mediaType)
        {
            return null;
        }

        var charset = parsed.Charset.Value;
        if (charset is not null && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return acceptedMediaTypes.FirstOrDefault(accepted => accepted.Equals(mediaType, StringComparison.OrdinalIgnoreCase));
    }
}
