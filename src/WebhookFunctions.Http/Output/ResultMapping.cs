using Microsoft.AspNetCore.Http;
using WebhookFunctions.Engine.Common;

namespace WebhookFunctions.Http.Output;

internal static class ResultMapping
{
    /// <summary>The engine's value mapped to a response, or its error as problem details.</summary>
    public static IResult Map<T>(this Result<T> result, Func<T, IResult> onSuccess) =>
        result.Error is { } error ? ApiProblems.From(error) : onSuccess(result.Value!);
}
