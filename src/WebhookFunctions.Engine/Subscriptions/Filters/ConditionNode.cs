using System.Text.Json;

namespace WebhookFunctions.Engine.Subscriptions.Filters;

/// <summary>
/// One operator applied to the value at one path. A missing path matches only <c>$exists: false</c>, <c>$neq</c> and
/// <c>$nin</c>. An array value matches when one of its elements does (one level, elements only). A value of another JSON
/// type than the operand does not match; <c>$neq</c> and <c>$nin</c> are exactly the negations of <c>$eq</c> and <c>$in</c>.
/// </summary>
internal sealed class ConditionNode(FilterPath path, FilterOperator op, FilterOperand[] operands, bool exists) : FilterNode
{
    public override bool Matches(JsonElement envelope)
    {
        var found = path.TryResolve(envelope, out var value);
        return op switch
        {
            FilterOperator.Exists => found == exists,
            FilterOperator.Neq or FilterOperator.Nin => !(found && AnyElement(value)),
            _ => found && AnyElement(value),
        };
    }

    private bool AnyElement(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return Test(value);
        }

        foreach (var element in value.EnumerateArray())
        {
            if (Test(element))
            {
                return true;
            }
        }

        return false;
    }

    // The positive form of the operator on one value.
    private bool Test(JsonElement value)
    {
        var operand = operands[0];
        return op switch
        {
            FilterOperator.Eq or FilterOperator.Neq => operand.EqualTo(value),
            FilterOperator.In or FilterOperator.Nin => InList(value),
            FilterOperator.Gt => operand.CompareWith(value) > 0,
            FilterOperator.Gte => operand.CompareWith(value) >= 0,
            FilterOperator.Lt => operand.CompareWith(value) < 0,
            FilterOperator.Lte => operand.CompareWith(value) <= 0,
            FilterOperator.StartsWith => value.ValueKind == JsonValueKind.String && value.GetString()!.StartsWith(operand.Text, StringComparison.Ordinal),
            FilterOperator.EndsWith => value.ValueKind == JsonValueKind.String && value.GetString()!.EndsWith(operand.Text, StringComparison.Ordinal),
            FilterOperator.Contains => value.ValueKind == JsonValueKind.String && value.GetString()!.Contains(operand.Text, StringComparison.Ordinal),
            _ => throw new InvalidOperationException($"The operator {op} has no test of one value."),
        };
    }

    private bool InList(JsonElement value)
    {
        foreach (var operand in operands)
        {
            if (operand.EqualTo(value))
            {
                return true;
            }
        }

        return false;
    }
}
