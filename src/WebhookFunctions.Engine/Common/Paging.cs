namespace WebhookFunctions.Engine.Common;

/// <summary>The page sizes listings accept.</summary>
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
            _ => OperationError.Invalid("limit", $"limit must be between 1 and {MaxLimit}."),
        };
}
