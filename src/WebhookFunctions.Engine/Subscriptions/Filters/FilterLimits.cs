namespace WebhookFunctions.Engine.Subscriptions.Filters;

/// <summary>The bounds a subscription filter must stay within, so that every filter evaluates in bounded time.</summary>
public static class FilterLimits
{
    /// <summary>Levels of filter objects: the top one is level 1, each <c>$and</c>, <c>$or</c> or <c>$not</c> adds one.</summary>
    public const int MaxDepth = 5;

    /// <summary>Operator applications (a path with one operator) in the whole filter.</summary>
    public const int MaxConditions = 50;

    /// <summary>Values in one <c>$in</c> or <c>$nin</c> list.</summary>
    public const int MaxListValues = 100;

    /// <summary>Characters of the filter's compact JSON text, which is stored with the subscription.</summary>
    public const int MaxJsonLength = 8192;

    public const int MaxPathLength = 256;

    public const int MaxPathSegments = 32;

    public const int MaxStringOperandLength = 1024;
}
