using Microsoft.AspNetCore.Http;
using WebhookFunctions.Engine.Common;

namespace WebhookFunctions.Http.Output;

internal static class ResultMapping
{
    /// <summary>The engine's value mapped to a response, or its error as problem details.</summary>
    public static IResult Map<T>(this Result<T> result, Func<T, IResult> onSuccess) =>
        result.Error is { } error ? ApiProblems.From(error) : onSuccess(result.Value!);

    /// <summary>
    /// Runs a paged listing; a continuation token the store did not issue is the client's error (400), not the server's.
    /// </summary>
    public static async Task<IResult> ListingAsync(Func<Task<IResult>> listing)
    {
        ArgumentNullException.ThrowIfNull(listing);
        try
        {
            return await listing();
        }
        catch (InvalidContinuationTokenException ex)
        {
            return ApiProblems.From(OperationError.Invalid("continuationToken", $"The continuation token is not valid for this listing: {ex.Message}"));
        }
    }
}
