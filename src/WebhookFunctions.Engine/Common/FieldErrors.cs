namespace WebhookFunctions.Engine.Common;

/// <summary>Collects validation messages by JSON field name, in the shape <see cref="OperationError.FieldErrors"/> takes.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool Any => errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var messages))
        {
            errors[field] = messages = [];
        }

        messages.Add(message);
    }

    public IReadOnlyDictionary<string, string[]> ToDictionary() =>
        errors.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>One validation error: the field's own message when there is exactly one, else the whole dictionary.</summary>
    public OperationError ToError() =>
        errors.Count == 1 && errors.Single().Value.Count == 1
            ? OperationError.Invalid(errors.Single().Key, errors.Single().Value[0])
            : OperationError.Invalid(ToDictionary());
}
