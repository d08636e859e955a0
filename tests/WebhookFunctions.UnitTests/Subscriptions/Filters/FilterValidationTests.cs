using System.Globalization;
using WebhookFunctions.Engine.Subscriptions.Filters;

namespace WebhookFunctions.UnitTests.Subscriptions.Filters;

public sealed class FilterValidationTests
{
    [Theory]
    [InlineData("""{"$or": [{"data.a": 1}, {"data.amount": {"$gtx": 5}}]}""", "filter.$or[1].data.amount.$gtx")]
    [InlineData("""{"$xor": []}""", "filter.$xor")]
    [InlineData("""{"$gt": 5}""", "filter.$gt")]
    [InlineData("""{"datum.x": 1}""", "filter.datum.x")]
    [InlineData("""{"data..x": 1}""", "filter.data..x")]
    [InlineData("""{"data.x.": 1}""", "filter.data.x.")]
    [InlineData("""{"subject.x": "a"}""", "filter.subject.x")]
    [InlineData("""{"data.$x": 1}""", "filter.data.$x")]
    [InlineData("""{"id": "evt_1"}""", "filter.id")]
    [InlineData("""{"data.x": {"y": 1}}""", "filter.data.x.y")]
    [InlineData("""{"data.x": {}}""", "filter.data.x")]
    [InlineData("""{"data.x": [1, 2]}""", "filter.data.x")]
    [InlineData("""{"data.x": {"$in": []}}""", "filter.data.x.$in")]
    [InlineData("""{"data.x": {"$in": "a"}}""", "filter.data.x.$in")]
    [InlineData("""{"data.x": {"$nin": [1, {"a": 1}]}}""", "filter.data.x.$nin[1]")]
    [InlineData("""{"data.x": {"$exists": 1}}""", "filter.data.x.$exists")]
    [InlineData("""{"data.x": {"$gt": true}}""", "filter.data.x.$gt")]
    [InlineData("""{"data.x": {"$lte": null}}""", "filter.data.x.$lte")]
    [InlineData("""{"data.x": {"$startsWith": 1}}""", "filter.data.x.$startsWith")]
    [InlineData("""{"data.x": {"$eq": [1]}}""", "filter.data.x.$eq")]
    [InlineData("""{"$and": []}""", "filter.$and")]
    [InlineData("""{"$and": [5]}""", "filter.$and[0]")]
    [InlineData("""{"$not": [{"data.x": 1}]}""", "filter.$not")]
    [InlineData("""{"$or": [{}]}""", "filter.$or[0]")]
    [InlineData("""{}""", "filter")]
    [InlineData("""[]""", "filter")]
    [InlineData("""{"$and": [{"$or": [{"$not": {"$and": [{"$or": [{"data.x": 1}]}]}}]}]}""", "filter.$and[0].$or[0].$not.$and[0].$or[0]")]
    public void Names_the_place_of_the_fault(string filter, string place)
    {
        var errors = FilterEvaluation.Errors(filter);

        Assert.Contains(place, errors.Keys);
    }

    [Fact]
    public void Allows_five_levels_of_nesting()
    {
        FilterEvaluation.Compile("""{"$and": [{"$or": [{"$not": {"$and": [{"data.x": 1}]}}]}]}""");
    }

    [Fact]
    public void Allows_fifty_conditions_and_refuses_fifty_one()
    {
        FilterEvaluation.Compile(Conditions(FilterLimits.MaxConditions));

        var errors = FilterEvaluation.Errors(Conditions(FilterLimits.MaxConditions + 1));

        Assert.Equal(["filter"], errors.Keys);
        Assert.Contains("51 conditions", errors["filter"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void Counts_each_operator_of_an_operator_object_as_a_condition()
    {
        var operators = string.Join(", ", Enumerable.Range(0, 26).Select(i => $"\"data.x{i}\": {{\"$gt\": 0, \"$lt\": 9}}"));

        var errors = FilterEvaluation.Errors($"{{{operators}}}");

        Assert.Contains("52 conditions", errors["filter"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_every_fault_not_only_the_first()
    {
        var errors = FilterEvaluation.Errors("""{"data.a": {"$gtx": 1}, "$or": [{"datum": 1}], "data.b": {"$in": 3}}""");

        Assert.Equal(
            ["filter.$or[0].datum", "filter.data.a.$gtx", "filter.data.b.$in"],
            errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Refuses_a_filter_too_long_to_store()
    {
        var values = string.Join(",", Enumerable.Range(0, 99).Select(i => $"\"{new string('v', 90)}{i}\""));

        var errors = FilterEvaluation.Errors("{\"data.x\": {\"$in\": [" + values + "]}}");

        Assert.Equal(["filter"], errors.Keys);
    }

    [Fact]
    public void Stores_the_filter_as_compact_JSON_and_compiles_it_back()
    {
        var filter = FilterEvaluation.Compile("""{ "data.amount" : { "$gt" : 1000 }, "subject": "tenant-é" }""");

        Assert.Equal("""{"data.amount":{"$gt":1000},"subject":"tenant-é"}""", filter.Json);
        Assert.Equal(filter, SubscriptionFilter.FromJson(filter.Json));
        Assert.Throws<InvalidDataException>(() => SubscriptionFilter.FromJson("""{"data.x": {"$gtx": 1}}"""));
        Assert.Throws<InvalidDataException>(() => SubscriptionFilter.FromJson("{"));
    }

    private static string Conditions(int count) =>
        "{" + string.Join(",", Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"\"data.f{i}\": {i}"))) + "}";
}
