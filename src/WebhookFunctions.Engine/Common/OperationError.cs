namespace WebhookFunctions.Engine.Common;

public enum ErrorKind
{
    Validation,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    Conflict,
    Unprocessable,
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

    /// <summary>The same Idempotency-Key (or client id) is being published by a request not yet answered.</summary>
    public static OperationError StillInFlight(string what) =>
        new(ErrorKind.Conflict, $"A request with this {what} is still being processed; retry once it has been answered.");

    /// <summary>The same Idempotency-Key (or client id) was used for a different request.</summary>
    public static OperationError ReusedForDifferentRequest(string what, string eventId) =>
        new(ErrorKind.Unprocessable, $"This {what} was already used for a different request (event '{eventId}'); a new request needs a new {what}.");

    public static OperationError StaleETag() =>
        new(ErrorKind.PreconditionFailed, "The resource was changed since the given ETag; read it again and retry.");
}
