using Microsoft.AspNetCore.Http;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Http.Contracts;

namespace WebhookFunctions.Http.Output;

/// <summary>Every error the API answers, as RFC 9457 problem details (application/problem+json), mapped in one place.</summary>
public static class ApiProblems
{
    public const string ContentType = "application/problem+json";

    /// <summary>Maps an engine (or input-parsing) error to its HTTP status.</summary>
    public static IResult From(OperationError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Kind switch
        {
            ErrorKind.Validation => Problem(StatusCodes.Status400BadRequest, error.Detail, error.FieldErrors),
            ErrorKind.NotFound => Problem(StatusCodes.Status404NotFound, error.Detail),
            ErrorKind.PreconditionFailed => Problem(StatusCodes.Status412PreconditionFailed, error.Detail),
            ErrorKind.PreconditionRequired => Problem(StatusCodes.Status428PreconditionRequired, error.Detail),
            ErrorKind.Conflict => Problem(StatusCodes.Status409Conflict, error.Detail),
            ErrorKind.Unprocessable => Problem(StatusCodes.Status422UnprocessableEntity, error.Detail),
            ErrorKind.PayloadTooLarge => Problem(StatusCodes.Status413PayloadTooLarge, error.Detail),
            ErrorKind.UnsupportedMediaType => Problem(StatusCodes.Status415UnsupportedMediaType, error.Detail),
            _ => Problem(StatusCodes.Status500InternalServerError, error.Detail),
        };
    }

    public static IResult Unauthorized() =>
        Problem(
            StatusCodes.Status401Unauthorized,
            "A valid API key is required: send it in the x-functions-key header (or the code query parameter).");

    public static IResult Problem(int status, string detail, IReadOnlyDictionary<string, string[]>? errors = null)
    {
        var (type, title) = Describe(status);
        var problem = new ProblemResponse(type, title, status, detail, errors);
        return Results.Json(problem, ResponseJson.For(ApiJsonContext.Default.ProblemResponse), ContentType, status);
    }

    private static (string Type, string Title) Describe(int status) => status switch
    {
        400 => ("https://tools.ietf.org/html/rfc9110#section-15.5.1", "Bad Request"),
        401 => ("https://tools.ietf.org/html/rfc9110#section-15.5.2", "Unauthorized"),
        404 => ("https://tools.ietf.org/html/rfc9110#section-15.5.5", "Not Found"),
        409 => ("https://tools.ietf.org/html/rfc9110#section-15.5.10", "Conflict"),
        412 => ("https://tools.ietf.org/html/rfc9110#section-15.5.13", "Precondition Failed"),
        413 => ("https://tools.ietf.org/html/rfc9110#section-15.5.14", "Content Too Large"),
        415 => ("https://tools.ietf.org/html/rfc9110#section-15.5.16", "Unsupported Media Type"),
        422 => ("https://tools.ietf.org/html/rfc9110#section-15.5.21", "Unprocessable Content"),
        428 => ("https://tools.ietf.org/html/rfc6585#section-3", "Precondition Required"),
        503 => ("https://tools.ietf.org/html/rfc9110#section-15.6.4", "Service Unavailable"),
        _ => ("https://tools.ietf.org/html/rfc9110#section-15.6.1", "Internal Server Error"),
    };
}
