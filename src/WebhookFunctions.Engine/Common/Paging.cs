namespace WebhookFunctions.Engine.Common;

/// <summary>The rules every listing shares: the page sizes it accepts, and continuation tokens only it issued.</summary>
public static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <summary>The limit to use, or a validation error naming the "limit" field.</summary>
    public static Result<int> Resolve(int? limit) =>
        limit switch
        {
            null => Result<int>.Success(DefaultLimit),
            >= 1 and <= MaxLimit => Result<int>.Success(limit.Value),
            _ => OperationError.Invalid("limit", $"limit must be a whole number from 1 to {MaxLimit}."),
        };

    /// <summary>
    /// Reads one page of <paramref name="read"/> with the resolved limit; a continuation token the store did not
    /// issue for this listing is the client's error (400), not the server's.
    /// </summary>
    public static Task<Result<Page<T>>> ReadAsync<T>(int? limit, Func<int, Task<Page<T>>> read) => RunAsync(limit, read);

    /// <summary>
    /// Runs one bounded step of a paged operation (a listing page, or a purge of one page) with the resolved limit,
    /// under the same rules as <see cref="ReadAsync{T}"/>.
    /// </summary>
    public static async Task<Result<T>> RunAsync<T>(int? limit, Func<int, Task<T>> step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var pageSize = Resolve(limit);
        if (!pageSize.Succeeded)
        {
            return pageSize.Error!;
        }

        try
        {
            return Result<T>.Success(await step(pageSize.Value));
        }
        catch (InvalidContinuationTokenException ex)
        {
            return OperationError.Invalid("continuationToken", $"The continuation token is not valid for this listing: {ex.Message}");
        }
    }
}
