using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using WebhookFunctions.Engine.Common;

namespace WebhookFunctions.Http.Input;

/// <summary>Reads the query parameters of a listing, recording every malformed one.</summary>
internal sealed class QueryReader(IQueryCollection query)
{
    public FieldErrors Errors { get; } = new();

    /// <summary>The page size as a number, or null when absent; which sizes are allowed is the engine's rule (<see cref="Paging"/>).</summary>
    public int? Limit()
    {
        var text = Single("limit");
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var limit))
        {
            return limit;
        }

        Errors.Add("limit", $"limit must be a whole number from 1 to {Paging.MaxLimit}.");
        return null;
    }

    public string? ContinuationToken() => Single("continuationToken");

    public DateTimeOffset? Time(string name) => Rfc3339.Parse(Errors, name, Single(name));

    public string? Text(string name) => Single(name);

    /// <summary>true or false (as JSON writes them); absent is false.</summary>
    public bool Flag(string name)
    {
        var text = Single(name);
        switch (text)
        {
            case null or "false":
                return false;
            case "true":
                return true;
            default:
                Errors.Add(name, $"{name} must be true or false.");
                return false;
        }
    }

    private string? Single(string name)
    {
        if (!query.TryGetValue(name, out StringValues values) || StringValues.IsNullOrEmpty(values))
        {
            return null;
        }

        if (values.Count > 1)
        {
            Errors.Add(name, $"{name} is given more than once.");
            return null;
        }

        return values[0];
    }
}
