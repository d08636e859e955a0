using System.Text.Json;

namespace WebhookFunctions.Engine.Subscriptions.Filters;

/// <summary>A compiled filter: evaluated against the envelope's root object (type, subject, data).</summary>
internal abstract class FilterNode
{
    public abstract bool Matches(JsonElement envelope);
}

/// <summary>Every child matches: <c>$and</c>, and the several keys of one filter object.</summary>
internal sealed class AllOfNode(FilterNode[] children) : FilterNode
{
    public override bool Matches(JsonElement envelope)
    {
        foreach (var child in children)
        {
            if (!child.Matches(envelope))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>At least one child matches: <c>$or</c>.</summary>
internal sealed class AnyOfNode(FilterNode[] children) : FilterNode
{
    public override bool Matches(JsonElement envelope)
    {
        foreach (var child in children)
        {
            if (child.Matches(envelope))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary><c>$not</c>.</summary>
internal sealed class NotNode(FilterNode child) : FilterNode
{
    public override bool Matches(JsonElement envelope) => !child.Matches(envelope);
}
