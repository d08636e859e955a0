namespace WebhookFunctions.Engine.Common;

/// <summary>The outcome of an application-service call: a value, or an error the host maps to its protocol.</summary>
public readonly record struct Result<T>
{
    private Result(T? value, OperationError? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }

    public OperationError? Error { get; }

    public bool Succeeded => Error is null;

    public static Result<T> Success(T value) => new(value, null);

    public static Result<T> Failure(OperationError error) => new(default, error);

    public static implicit operator Result<T>(OperationError error) => Failure(error);
}
