using System.Text;
using System.Text.Json;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Subscriptions.Filters;

namespace WebhookFunctions.UnitTests.Subscriptions.Filters;

/// <summary>Compiles a filter and evaluates it against an event built from its parts.</summary>
internal static class FilterEvaluation
{
    public static SubscriptionFilter Compile(string filterJson)
    {
        using var document = JsonDocument.Parse(filterJson);
        var errors = new FieldErrors();
        var filter = SubscriptionFilter.TryCompile(document.RootElement, errors);
        Assert.True(filter is not null, string.Join("; ", errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
        return filter!;
    }

    public static IReadOnlyDictionary<string, string[]> Errors(string filterJson)
    {
        using var document = JsonDocument.Parse(filterJson);
        var errors = new FieldErrors();
        var filter = SubscriptionFilter.TryCompile(document.RootElement, errors);
        Assert.Null(filter);
        return errors.ToDictionary();
    }

    public static WebhookEvent Event(string dataJson, string type = "order.created", string? subject = null) =>
        new("evt_1", type, DateTimeOffset.UnixEpoch, subject, null, Encoding.UTF8.GetBytes(dataJson), null);

    public static bool Matches(string filterJson, string dataJson, string type = "order.created", string? subject = null)
    {
        using var filterable = FilterableEvent.From(Event(dataJson, type, subject));
        return Compile(filterJson).Matches(filterable);
    }
}
