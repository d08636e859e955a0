using CsCheck;
using WebhookFunctions.Engine.Subscriptions.Filters;

namespace WebhookFunctions.UnitTests.Subscriptions.Filters;

public sealed class FilterPropertyTests
{
    private static readonly string[] ComparisonOperators = ["$eq", "$gt", "$gte", "$lt", "$lte"];

    [Fact]
    public void The_compiled_filter_agrees_with_the_reference_over_random_events_and_filters()
    {
        Gen.Select(FilterGenerators.Filter, FilterGenerators.Data, FilterGenerators.Type, FilterGenerators.Subject)
            .Sample(
                (filter, data, type, subject) => FilterEvaluation.Matches(filter, data, type, subject) == ReferenceFilter.Matches(filter, data, type, subject),
                iter: 20_000,
                print: t => $"filter {t.Item1} data {t.Item2} type {t.Item3} subject {t.Item4 ?? "(none)"}");
    }

    [Fact]
    public void A_filter_read_back_from_its_stored_JSON_decides_the_same()
    {
        Gen.Select(FilterGenerators.Filter, FilterGenerators.Data)
            .Sample(
                (filter, data) =>
                {
                    using var filterable = FilterableEvent.From(FilterEvaluation.Event(data));
                    var compiled = FilterEvaluation.Compile(filter);
                    return SubscriptionFilter.FromJson(compiled.Json).Matches(filterable) == compiled.Matches(filterable);
                },
                iter: 2_000);
    }

    [Fact]
    public void Numbers_compare_like_exact_rationals()
    {
        Gen.Select(FilterGenerators.Number, FilterGenerators.Number)
            .Sample(
                (left, right) =>
                {
                    var data = $"{{\"n\":{left}}}";
                    return ComparisonOperators.All(op =>
                    {
                        var filter = $"{{\"data.n\":{{\"{op}\":{right}}}}}";
                        return FilterEvaluation.Matches(filter, data) == ReferenceFilter.Matches(filter, data, "t", null);
                    });
                },
                iter: 5_000);
    }
}
