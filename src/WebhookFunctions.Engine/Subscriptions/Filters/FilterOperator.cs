namespace WebhookFunctions.Engine.Subscriptions.Filters;

/// <summary>The field operators of the filter language.</summary>
internal enum FilterOperator
{
    Eq,
    Neq,
    Gt,
    Gte,
    Lt,
    Lte,
    In,
    Nin,
    Exists,
    StartsWith,
    EndsWith,
    Contains,
}

internal static class FilterOperatorNames
{
    private static readonly Dictionary<string, FilterOperator> ByName = new(StringComparer.Ordinal)
    {
        ["$eq"] = FilterOperator.Eq,
        ["$neq"] = FilterOperator.Neq,
        ["$gt"] = FilterOperator.Gt,
        ["$gte"] = FilterOperator.Gte,
        ["$lt"] = FilterOperator.Lt,
        ["$lte"] = FilterOperator.Lte,
        ["$in"] = FilterOperator.In,
        ["$nin"] = FilterOperator.Nin,
        ["$exists"] = FilterOperator.Exists,
        ["$startsWith"] = FilterOperator.StartsWith,
        ["$endsWith"] = FilterOperator.EndsWith,
        ["$contains"] = FilterOperator.Contains,
    };

    public static string Known => string.Join(", ", ByName.Keys);

    public static bool TryParse(string name, out FilterOperator op) => ByName.TryGetValue(name, out op);
}
