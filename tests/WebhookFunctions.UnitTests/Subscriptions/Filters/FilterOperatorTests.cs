namespace WebhookFunctions.UnitTests.Subscriptions.Filters;

/// <summary>Each operator over the kinds of value it can meet: its own type, another type, null, a missing path, an array.</summary>
public sealed class FilterOperatorTests
{
    private const string Order = """
        {"amount": 1500, "currency": "EUR", "note": null, "paid": true, "ratio": 0.25,
         "big": 18446744073709551617, "tags": ["vip", "new"], "sizes": [1, 5, 9],
         "items": [{"sku": "A-1", "qty": 2}, {"sku": "B-2", "qty": 1}], "customer": {"tier": "gold", "id": "c_7"},
         "empty": [], "0": "zero-key", "nested": [[1, 2], [3]]}
        """;

    [Theory]
    // $eq: same type and value; shorthand scalar; strings ordinal and case-sensitive; numbers by value.
    [InlineData("""{"data.currency": "EUR"}""", true)]
    [InlineData("""{"data.currency": {"$eq": "EUR"}}""", true)]
    [InlineData("""{"data.currency": "eur"}""", false)]
    [InlineData("""{"data.amount": 1500}""", true)]
    [InlineData("""{"data.amount": 1500.0}""", true)]
    [InlineData("""{"data.amount": 1.5e3}""", true)]
    [InlineData("""{"data.amount": "1500"}""", false)]
    [InlineData("""{"data.paid": true}""", true)]
    [InlineData("""{"data.paid": 1}""", false)]
    [InlineData("""{"data.note": null}""", true)]
    [InlineData("""{"data.missing": null}""", false)]
    [InlineData("""{"data.customer": "gold"}""", false)]
    [InlineData("""{"data.customer.tier": "gold"}""", true)]
    [InlineData("""{"data.tags": "vip"}""", true)]
    [InlineData("""{"data.tags": "old"}""", false)]
    [InlineData("""{"data.empty": "x"}""", false)]
    [InlineData("""{"data.nested": 1}""", false)]
    [InlineData("""{"data.nested.0": 2}""", true)]
    [InlineData("""{"data.big": 18446744073709551617}""", true)]
    [InlineData("""{"data.big": 18446744073709551616}""", false)]
    [InlineData("""{"data.ratio": 0.250}""", true)]
    [InlineData("""{"type": "order.created"}""", true)]
    [InlineData("""{"subject": null}""", false)]
    // $neq: exactly not $eq, so a missing path or another type passes.
    [InlineData("""{"data.currency": {"$neq": "USD"}}""", true)]
    [InlineData("""{"data.currency": {"$neq": "EUR"}}""", false)]
    [InlineData("""{"data.missing": {"$neq": "EUR"}}""", true)]
    [InlineData("""{"data.amount": {"$neq": "1500"}}""", true)]
    [InlineData("""{"data.tags": {"$neq": "vip"}}""", false)]
    [InlineData("""{"data.note": {"$neq": null}}""", false)]
    // $gt $gte $lt $lte: numbers by exact value, strings ordinally, anything else false.
    [InlineData("""{"data.amount": {"$gt": 1000}}""", true)]
    [InlineData("""{"data.amount": {"$gt": 1500}}""", false)]
    [InlineData("""{"data.amount": {"$gte": 1500}}""", true)]
    [InlineData("""{"data.amount": {"$gte": 1500.0000000000000000001}}""", false)]
    [InlineData("""{"data.amount": {"$lt": 1500.0000000000000000001}}""", true)]
    [InlineData("""{"data.amount": {"$lte": 15e2}}""", true)]
    [InlineData("""{"data.amount": {"$lt": -1}}""", false)]
    [InlineData("""{"data.amount": {"$gt": "1000"}}""", false)]
    [InlineData("""{"data.big": {"$gt": 18446744073709551616}}""", true)]
    [InlineData("""{"data.big": {"$lt": 1.8446744073709552e19}}""", true)]
    [InlineData("""{"data.big": {"$eq": 1.8446744073709551617e19}}""", true)]
    [InlineData("""{"data.big": {"$lt": 1e20}}""", true)]
    [InlineData("""{"data.ratio": {"$gt": 0.2499999999999999999999999}}""", true)]
    [InlineData("""{"data.ratio": {"$lt": 2.5e-1}}""", false)]
    [InlineData("""{"data.currency": {"$gt": "EUQ"}}""", true)]
    [InlineData("""{"data.currency": {"$gt": "EUR"}}""", false)]
    [InlineData("""{"data.currency": {"$lt": "eur"}}""", true)]
    [InlineData("""{"data.currency": {"$gt": 5}}""", false)]
    [InlineData("""{"data.paid": {"$gt": 0}}""", false)]
    [InlineData("""{"data.note": {"$lte": 0}}""", false)]
    [InlineData("""{"data.missing": {"$lt": 1}}""", false)]
    [InlineData("""{"data.sizes": {"$gt": 8}}""", true)]
    [InlineData("""{"data.sizes": {"$gt": 9}}""", false)]
    [InlineData("""{"data.amount": {"$gt": 1000, "$lt": 2000}}""", true)]
    [InlineData("""{"data.amount": {"$gt": 1000, "$lt": 1200}}""", false)]
    // $in $nin
    [InlineData("""{"data.currency": {"$in": ["USD", "EUR"]}}""", true)]
    [InlineData("""{"data.currency": {"$in": ["USD", "GBP"]}}""", false)]
    [InlineData("""{"data.amount": {"$in": [1, 1500.00]}}""", true)]
    [InlineData("""{"data.note": {"$in": [null]}}""", true)]
    [InlineData("""{"data.missing": {"$in": [null]}}""", false)]
    [InlineData("""{"data.tags": {"$in": ["new", "x"]}}""", true)]
    [InlineData("""{"data.currency": {"$nin": ["USD", "GBP"]}}""", true)]
    [InlineData("""{"data.currency": {"$nin": ["EUR"]}}""", false)]
    [InlineData("""{"data.missing": {"$nin": ["EUR"]}}""", true)]
    [InlineData("""{"data.tags": {"$nin": ["vip"]}}""", false)]
    // $exists: a JSON null exists; a missing path, an index past the end or a path through a scalar does not.
    [InlineData("""{"data.note": {"$exists": true}}""", true)]
    [InlineData("""{"data.missing": {"$exists": true}}""", false)]
    [InlineData("""{"data.missing": {"$exists": false}}""", true)]
    [InlineData("""{"data.items.1.sku": {"$exists": true}}""", true)]
    [InlineData("""{"data.items.2.sku": {"$exists": true}}""", false)]
    [InlineData("""{"data.currency.length": {"$exists": true}}""", false)]
    [InlineData("""{"data.items.sku": {"$exists": true}}""", false)]
    [InlineData("""{"subject": {"$exists": false}}""", true)]
    [InlineData("""{"data.0": "zero-key"}""", true)]
    // $startsWith $endsWith $contains: ordinal, strings only.
    [InlineData("""{"data.customer.id": {"$startsWith": "c_"}}""", true)]
    [InlineData("""{"data.customer.id": {"$startsWith": "C_"}}""", false)]
    [InlineData("""{"data.customer.id": {"$endsWith": "_7"}}""", true)]
    [InlineData("""{"data.customer.id": {"$contains": "_"}}""", true)]
    [InlineData("""{"data.customer.id": {"$contains": ""}}""", true)]
    [InlineData("""{"data.amount": {"$contains": "15"}}""", false)]
    [InlineData("""{"data.missing": {"$startsWith": ""}}""", false)]
    [InlineData("""{"data.tags": {"$startsWith": "ne"}}""", true)]
    [InlineData("""{"data.items.0.sku": {"$endsWith": "-1"}}""", true)]
    [InlineData("""{"type": {"$startsWith": "order."}}""", true)]
    // $and $or $not and implicit and.
    [InlineData("""{"data.currency": "EUR", "data.amount": {"$gt": 1000}}""", true)]
    [InlineData("""{"data.currency": "EUR", "data.amount": {"$gt": 2000}}""", false)]
    [InlineData("""{"$and": [{"data.currency": "EUR"}, {"data.paid": true}]}""", true)]
    [InlineData("""{"$or": [{"data.currency": "USD"}, {"data.paid": true}]}""", true)]
    [InlineData("""{"$or": [{"data.currency": "USD"}, {"data.paid": false}]}""", false)]
    [InlineData("""{"$not": {"data.currency": "USD"}}""", true)]
    [InlineData("""{"$not": {"data.missing": {"$gt": 1}}}""", true)]
    [InlineData("""{"$or": [{"$and": [{"data.customer.tier": "gold"}, {"$not": {"data.tags": "blocked"}}]}]}""", true)]
    public void Evaluates_each_operator_as_documented(string filter, bool expected)
    {
        Assert.Equal(expected, FilterEvaluation.Matches(filter, Order));
    }

    [Theory]
    [InlineData("""{"subject": "tenant-1"}""", "tenant-1", true)]
    [InlineData("""{"subject": "tenant-1"}""", "tenant-2", false)]
    [InlineData("""{"subject": {"$exists": true}}""", null, false)]
    [InlineData("""{"subject": {"$in": ["a", "tenant-9"]}}""", "tenant-9", true)]
    public void Matches_the_subject(string filter, string? subject, bool expected)
    {
        Assert.Equal(expected, FilterEvaluation.Matches(filter, "{}", subject: subject));
    }

    [Theory]
    [InlineData("""{"data": null}""", "null", true)]
    [InlineData("""{"data": 5}""", "5", true)]
    [InlineData("""{"data.a": 1}""", "[{\"a\": 1}]", false)]
    [InlineData("""{"data": {"$exists": true}}""", "null", true)]
    public void Matches_data_that_is_not_an_object(string filter, string data, bool expected)
    {
        Assert.Equal(expected, FilterEvaluation.Matches(filter, data));
    }

    [Theory]
    [InlineData("""{"data.s": "é"}""", """{"s": "e\u0301"}""", false)]
    [InlineData("""{"data.s": "é"}""", """{"s": "\u00e9"}""", true)]
    [InlineData("""{"data.s": {"$lt": "a"}}""", """{"s": "Z"}""", true)]
    [InlineData("""{"data.s": {"$gt": "\uffff"}}""", """{"s": "\ud83d\ude00"}""", false)]
    public void Compares_strings_by_UTF_16_code_units_without_normalization(string filter, string data, bool expected)
    {
        Assert.Equal(expected, FilterEvaluation.Matches(filter, data));
    }
}
