namespace WebhookFunctions.Http.Contracts;

/// <summary>One page of a listing; <see cref="ContinuationToken"/> is null on the last page.</summary>
internal sealed record PageResponse<T>(IReadOnlyList<T> Items, string? ContinuationToken);

/// <summary>A complete, unpaged listing.</summary>
internal sealed record ItemsResponse<T>(IReadOnlyList<T> Items);
