using WebhookFunctions.Engine.Common;

namespace WebhookFunctions.Http.Input;

/// <summary>Collects validation messages per field while a request is parsed.</summary>
internal sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }

        messages.Add(message);
    }

    public OperationError ToError() =>
        _errors.Count == 1 && _errors.Single().Value.Count == 1
            ? OperationError.Invalid(_errors.Single().Key, _errors.Single().Value[0])
            : OperationError.Invalid(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));

    /// <summary>Parses an optional RFC 3339 time; a malformed one is recorded against <paramref name="field"/>.</summary>
    public DateTimeOffset? Time(string field, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (Rfc3339.TryParse(text, out var value))
        {
            return value;
        }

        Add(field, $"'{text}' is not an RFC 3339 date-time with an offset, e.g. 2025-01-31T12:00:00Z.");
        return null;
    }

    /// <summary>Records an inverted range (since at or after until) against "until".</summary>
    public void TimeRange(DateTimeOffset? since, DateTimeOffset? until)
    {
        if (since is not null && until is not null && since >= until)
        {
            Add("until", "until must be later than since.");
        }
    }
}
