using System.Text.Json;
using WebhookFunctions.Engine.Common;

namespace WebhookFunctions.Engine.Subscriptions.Filters;

/// <summary>
/// Checks a filter definition and compiles it. Every error is reported under the place it was found, such as
/// <c>filter.$or[1].data.amount.$gtx</c>, so a client can point at it.
/// </summary>
internal sealed class FilterParser
{
    private readonly FieldErrors errors;
    private int conditions;
    private bool failed;

    private FilterParser(FieldErrors errors) => this.errors = errors;

    /// <summary>The compiled filter, or null with the reasons added to <paramref name="errors"/>.</summary>
    public static FilterNode? Parse(JsonElement definition, string place, FieldErrors errors)
    {
        var parser = new FilterParser(errors);
        var root = parser.ParseObject(definition, place, depth: 1);
        if (parser.conditions > FilterLimits.MaxConditions)
        {
            parser.Fail(place, $"The filter has {parser.conditions} conditions; at most {FilterLimits.MaxConditions} are allowed.");
        }

        return parser.failed ? null : root;
    }

    private FilterNode? ParseObject(JsonElement filter, string place, int depth)
    {
        if (filter.ValueKind != JsonValueKind.Object)
        {
            Fail(place, "A filter must be a JSON object of paths and $and, $or, $not.");
            return null;
        }

        if (depth > FilterLimits.MaxDepth)
        {
            Fail(place, $"Filters nest at most {FilterLimits.MaxDepth} levels deep ($and, $or and $not each add one).");
            return null;
        }

        var children = new List<FilterNode>();
        var valid = true;
        foreach (var property in filter.EnumerateObject())
        {
            var node = ParseEntry(property, place, depth);
            valid &= node is not null;
            if (node is not null)
            {
                children.Add(node);
            }
        }

        if (children.Count == 0 && valid)
        {
            Fail(place, "A filter object needs at least one condition; leave the filter out (or null) to receive every event.");
            return null;
        }

        return !valid ? null : children.Count == 1 ? children[0] : new AllOfNode([.. children]);
    }

    private FilterNode? ParseEntry(JsonProperty property, string parent, int depth)
    {
        var place = $"{parent}.{property.Name}";
        switch (property.Name)
        {
            case "$and":
            case "$or":
                return ParseList(property.Value, place, depth, property.Name == "$and");
            case "$not":
                return ParseObject(property.Value, place, depth + 1) is { } inner ? new NotNode(inner) : null;
        }

        if (property.Name.StartsWith('$'))
        {
            Fail(place, FilterOperatorNames.TryParse(property.Name, out _)
                ? $"{property.Name} applies to a path: write {{\"data.amount\": {{\"{property.Name}\": …}}}}."
                : $"Unknown operator {property.Name}: filter objects take paths and $and, $or, $not.");
            return null;
        }

        if (FilterPath.TryParse(property.Name, out var pathError) is not { } path)
        {
            Fail(place, pathError!);
            return null;
        }

        return ParseConditions(path, property.Value, place);
    }

    private FilterNode? ParseList(JsonElement list, string place, int depth, bool all)
    {
        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            Fail(place, "Expected a non-empty array of filter objects.");
            return null;
        }

        var children = new List<FilterNode>();
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            if (ParseObject(item, $"{place}[{index++}]", depth + 1) is { } child)
            {
                children.Add(child);
            }
        }

        if (children.Count != index)
        {
            return null;
        }

        return all ? new AllOfNode([.. children]) : new AnyOfNode([.. children]);
    }

    // The value under a path: a scalar (shorthand for $eq) or an object of operators, all of which must hold.
    private FilterNode? ParseConditions(FilterPath path, JsonElement value, string place)
    {
        if (FilterOperand.IsScalar(value))
        {
            conditions++;
            return Condition(path, FilterOperator.Eq, value, place);
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            Fail(place, "Expected a string, number, boolean or null to compare with, or an object of operators such as {\"$in\": […]}.");
            return null;
        }

        var nodes = new List<FilterNode>();
        var count = 0;
        foreach (var entry in value.EnumerateObject())
        {
            count++;
            conditions++;
            var operatorPlace = $"{place}.{entry.Name}";
            if (!FilterOperatorNames.TryParse(entry.Name, out var op))
            {
                Fail(operatorPlace, entry.Name.StartsWith('$')
                    ? $"Unknown operator {entry.Name}; the operators are {FilterOperatorNames.Known}."
                    : $"\"{entry.Name}\" is not an operator; to go deeper into the data, write the dotted path \"{path.Text}.{entry.Name}\".");
                continue;
            }

            if (Condition(path, op, entry.Value, operatorPlace) is { } node)
            {
                nodes.Add(node);
            }
        }

        if (count == 0)
        {
            Fail(place, "An operator object needs at least one operator.");
            return null;
        }

        return nodes.Count != count ? null : nodes.Count == 1 ? nodes[0] : new AllOfNode([.. nodes]);
    }

    private ConditionNode? Condition(FilterPath path, FilterOperator op, JsonElement operand, string place)
    {
        switch (op)
        {
            case FilterOperator.Exists:
                if (operand.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    Fail(place, "$exists takes true or false.");
                    return null;
                }

                return new ConditionNode(path, op, [], operand.ValueKind == JsonValueKind.True);
            case FilterOperator.In or FilterOperator.Nin:
                return ListCondition(path, op, operand, place);
            case FilterOperator.Gt or FilterOperator.Gte or FilterOperator.Lt or FilterOperator.Lte:
                return operand.ValueKind is JsonValueKind.Number || IsBoundedString(operand)
                    ? new ConditionNode(path, op, [FilterOperand.From(operand)], exists: true)
                    : Refuse(place, "Expected a number or a string to compare with.");
            case FilterOperator.StartsWith or FilterOperator.EndsWith or FilterOperator.Contains:
                return IsBoundedString(operand)
                    ? new ConditionNode(path, op, [FilterOperand.From(operand)], exists: true)
                    : Refuse(place, "Expected a string.");
            default:
                return FilterOperand.IsScalar(operand) && (operand.ValueKind != JsonValueKind.String || IsBoundedString(operand))
                    ? new ConditionNode(path, op, [FilterOperand.From(operand)], exists: true)
                    : Refuse(place, "Expected a string, number, boolean or null; use $in to compare with several values.");
        }
    }

    private ConditionNode? ListCondition(FilterPath path, FilterOperator op, JsonElement list, string place)
    {
        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() is 0 or > FilterLimits.MaxListValues)
        {
            return Refuse(place, $"Expected an array of 1 to {FilterLimits.MaxListValues} strings, numbers, booleans or nulls.");
        }

        var operands = new List<FilterOperand>();
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            if (!FilterOperand.IsScalar(item) || (item.ValueKind == JsonValueKind.String && !IsBoundedString(item)))
            {
                Fail($"{place}[{index}]", $"Expected a string (at most {FilterLimits.MaxStringOperandLength} characters), number, boolean or null.");
            }
            else
            {
                operands.Add(FilterOperand.From(item));
            }

            index++;
        }

        return operands.Count == index ? new ConditionNode(path, op, [.. operands], exists: true) : null;
    }

    private static bool IsBoundedString(JsonElement operand) =>
        operand.ValueKind == JsonValueKind.String && operand.GetString()!.Length <= FilterLimits.MaxStringOperandLength;

    private ConditionNode? Refuse(string place, string message)
    {
        Fail(place, $"{message} Strings are at most {FilterLimits.MaxStringOperandLength} characters.");
        return null;
    }

    private void Fail(string place, string message)
    {
        failed = true;
        errors.Add(place, message);
    }
}
