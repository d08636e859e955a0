using ETag = Azure.ETag;
using RequestFailedException = Azure.RequestFailedException;
using Azure.Data.Tables;
using WebhookFunctions.Engine.Common;

namespace WebhookFunctions.Storage.Tables;

/// <summary>Reads one page of a table query, with continuation tokens wrapped by <see cref="ContinuationTokenCodec"/>.</summary>
internal static class TablePaging
{
    public static async Task<Page<T>> ReadPageAsync<T>(
        TableClient table,
        string filter,
        int limit,
        string listing,
        string? continuationToken,
        Func<TableEntity, T> map,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var sdkToken = ContinuationTokenCodec.Unwrap(listing, continuationToken);
        try
        {
            await foreach (var page in table.QueryAsync<TableEntity>(filter, limit, cancellationToken: cancellationToken).AsPages(sdkToken, limit))
            {
                return new Page<T>(page.Values.Select(map).ToList(), ContinuationTokenCodec.Wrap(listing, page.ContinuationToken));
            }
        }
        catch (RequestFailedException ex) when (sdkToken is not null && ex.Status == 400)
        {
            throw ContinuationTokenCodec.Invalid();
        }
        catch (Exception ex) when (sdkToken is not null && ex is ArgumentException or IndexOutOfRangeException or FormatException)
        {
            // The SDK parses its own token before calling the service.
            throw ContinuationTokenCodec.Invalid();
        }

        return new Page<T>([], null);
    }
}
