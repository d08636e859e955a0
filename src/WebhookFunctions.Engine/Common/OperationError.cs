namespace WebhookFunctions.Engine.Common;

public enum ErrorKind
{
    Validation,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    PayloadTooLarge,
    UnsupportedMediaType,
}

/// <summary>Why a request was refused. <see cref="FieldErrors"/> names the fields at fault for validation errors.</summary>
public sealed record OperationError(ErrorKind Kind, string Detail, IReadOnlyDictionary<string, string[]>? FieldErrors = null)
{
    public static OperationError NotFound(string what) => new(ErrorKind.NotFound, $"{what} was not found.");

    public static OperationError Invalid(string field, string message) =>
        new(ErrorKind.Validation, message, new Dictionary<string, string[]> { [field] = [message] });

    public static OperationError Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        new(ErrorKind.Validation, "One or more fields are invalid.", errors);

    public static OperationError IfMatchRequired() =>
        new(ErrorKind.PreconditionRequired, "PATCH needs an If-Match header with the subscription's ETag (from GET).");

    public static OperationError StaleETag() =>
        new(ErrorKind.PreconditionFailed, "The resource was changed since the given ETag; read it again and retry.");
}
