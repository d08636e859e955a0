using System.Globalization;
using System.Text;
using WebhookFunctions.Engine.Events;

namespace WebhookFunctions.Benchmarks.Sections;

/// <summary>
/// The filters and the event of section 7: every filter passes the event, so each evaluation runs to the end and every
/// subscription is delivered (the worst case for fan-out). Three shapes rotate: a simple threshold, a list with a
/// path into an array, and a nested $or/$not over six conditions.
/// </summary>
internal static class FilterWorkload
{
    public const string DataJson = """
        {"orderId":"ord_123","total":{"amount":1250.50,"currency":"EUR"},"customer":{"id":"c_42","tier":"gold","country":"DE"},
         "lines":[{"sku":"EU-1001","qty":2},{"sku":"EU-2002","qty":1}],"tags":["vip","repeat"],"big":18446744073709551617}
        """;

    public const string Subject = "tenant-7/orders/ord_123";

    /// <summary>An event that every filter of <see cref="Filter"/> holds back.</summary>
    public const string HeldBackDataJson = """{"orderId":"ord_124","total":{"amount":-1,"currency":"JPY"},"lines":[],"refund":true}""";

    public const string HeldBackSubject = "tenant-8/orders/ord_124";

    public static string Filter(int index) => (index % 3) switch
    {
        0 => string.Create(CultureInfo.InvariantCulture, $$$"""{"data.total.amount":{"$gte":{{{index % 1000}}}}}"""),
        1 => """{"data.total.currency":{"$in":["EUR","USD","GBP"]},"data.lines.0.sku":{"$startsWith":"EU-"}}""",
        _ => """
            {"subject":{"$startsWith":"tenant-7/"},"$or":[{"data.customer.tier":"platinum"},{"$and":[{"data.tags":"vip"},
             {"data.big":{"$gt":18446744073709551616}}]}],"$not":{"data.customer.country":{"$nin":["DE","FR"]}},
             "data.refund":{"$exists":false}}
            """,
    };

    public static WebhookEvent Event(string type) =>
        new($"evt_filter_{Guid.NewGuid():N}", type, DateTimeOffset.UtcNow, Subject, null, Encoding.UTF8.GetBytes(DataJson), null);
}
