using System.Buffers;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;

namespace WebhookFunctions.Engine.Delivery;

/// <summary>
/// Makes one POST to a receiver and says what came of it. Failures to get a response are results, not
/// exceptions; only the caller's own cancellation (shutdown) is thrown, as <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory httpClientFactory, IOptions<DeliveryOptions> options, TimeProvider timeProvider)
{
    public const string HttpClientName = "webhooks";

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");
    private HttpClient? client;

    public async Task<SendResult> SendAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        var deliveryOptions = options.Value;
        var started = timeProvider.GetTimestamp();

        using var message = new HttpRequestMessage(HttpMethod.Post, request.Url) { Content = new ReadOnlyMemoryContent(request.Body) };
        message.Content.Headers.ContentType = JsonContentType;
        if (!TryAddHeaders(message, request.Headers))
        {
            return Failed(SendErrors.InvalidHeader, started);
        }

        using var attemptTimeout = new CancellationTokenSource(deliveryOptions.AttemptTimeout, timeProvider);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, attemptTimeout.Token);
        // The handler lives for the process (its own PooledConnectionLifetime recycles connections), so one client serves every attempt.
        var client = this.client ??= httpClientFactory.CreateClient(HttpClientName);

        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, attempt.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed(SendErrors.Timeout, started);
        }
        catch (HttpRequestException ex)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Failed(SendFailure.Describe(ex), started);
        }

        using (response)
        {
            var body = await ReadBodyPrefixAsync(response.Content, deliveryOptions.ResponseBodyLimit, attempt.Token, cancellationToken);
            var retryAfter = response.Headers.TryGetValues("Retry-After", out var values)
                ? RetryAfterHeader.Parse(values.FirstOrDefault(), timeProvider.GetUtcNow())
                : null;
            return new SendResult((int)response.StatusCode, null, body, timeProvider.GetElapsedTime(started), retryAfter);
        }
    }

    private SendResult Failed(string error, long started) => new(null, error, null, timeProvider.GetElapsedTime(started), null);

    private static bool TryAddHeaders(HttpRequestMessage message, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        foreach (var (name, value) in headers)
        {
            // TryAddWithoutValidation would put CR/LF on the wire as given; refuse instead of splitting the request.
            if (value is null || value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
            {
                return false;
            }

            if (!message.Headers.TryAddWithoutValidation(name, value) && !message.Content!.Headers.TryAddWithoutValidation(name, value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The first <paramref name="limit"/> bytes of the body as UTF-8 (null when empty). The rest is never read: a
    /// receiver's error page, however large or slow, costs at most that much. Once the status is known, a body that
    /// fails or stalls only shortens what is kept.
    /// </summary>
    private static async Task<string?> ReadBodyPrefixAsync(HttpContent content, int limit, CancellationToken attemptToken, CancellationToken callerToken)
    {
        if (limit <= 0)
        {
            return null;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(limit);
        var length = 0;
        try
        {
            try
            {
                await using var stream = await content.ReadAsStreamAsync(attemptToken);
                int read;
                while (length < limit && (read = await stream.ReadAsync(buffer.AsMemory(length, limit - length), attemptToken)) > 0)
                {
                    length += read;
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException && !callerToken.IsCancellationRequested)
            {
                // Keep what arrived before the stall or the broken connection.
            }

            callerToken.ThrowIfCancellationRequested();
            return length == 0 ? null : DecodeWholeCharacters(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // A cut at the limit can split a multi-byte character; drop its first bytes rather than keep a U+FFFD.
    private static string DecodeWholeCharacters(ReadOnlySpan<byte> bytes)
    {
        if (Rune.DecodeLastFromUtf8(bytes, out _, out var consumed) == OperationStatus.NeedMoreData)
        {
            bytes = bytes[..^consumed];
        }

        return Encoding.UTF8.GetString(bytes);
    }
}
