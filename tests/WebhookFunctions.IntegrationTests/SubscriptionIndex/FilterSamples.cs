using System.Text;
using System.Text.Json;
using CsCheck;
using WebhookFunctions.Engine.Common;
using WebhookFunctions.Engine.Events;
using WebhookFunctions.Engine.Subscriptions.Filters;

namespace WebhookFunctions.IntegrationTests.SubscriptionIndex;

/// <summary>
/// Payload filters and event payloads over one small vocabulary (a number <c>n</c>, a <c>tag</c>, the subject), so that
/// random filters pass some random events and hold back others.
/// </summary>
internal static class FilterSamples
{
    private static readonly string[] Filters =
    [
        """{"data.n":{"$gt":2}}""",
        """{"data.n":{"$lte":1}}""",
        """{"data.tag":"x"}""",
        """{"data.tag":{"$in":["x","y"]}}""",
        """{"subject":{"$startsWith":"a"}}""",
        """{"$or":[{"data.n":{"$lt":2}},{"data.tag":"y"}]}""",
        """{"data.n":{"$exists":false}}""",
        """{"$not":{"data.tag":"z"},"data.n":{"$gte":0}}""",
    ];

    /// <summary>No filter a third of the time, else one of a few that each pass some events.</summary>
    public static readonly Gen<string?> Filter = Gen.Frequency(
        (1, (IGen<string?>)Gen.Const((string?)null)),
        (2, Gen.OneOf(Filters).Select(json => (string?)json)));

    public static readonly Gen<string> Data = Gen.Select(Gen.Int[-1, 4], Gen.OneOf("x", "y", "z"), (n, tag) =>
        n < 0 ? $$"""{"tag":"{{tag}}"}""" : $$"""{"n":{{n}},"tag":"{{tag}}"}""");

    public static readonly Gen<string?> Subject = Gen.OneOf<string?>(null, "a1", "b1");

    public static SubscriptionFilter? Compile(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        return SubscriptionFilter.TryCompile(document.RootElement, new FieldErrors()) ?? throw new InvalidOperationException($"Sample filter {json} is invalid.");
    }

    public static WebhookEvent Event(string? tenantId, string type, string data, string? subject) =>
        new($"evt_{Guid.NewGuid():N}", type, DateTimeOffset.UnixEpoch, subject, null, Encoding.UTF8.GetBytes(data), null, TenantId: tenantId);

    public static bool Passes(SubscriptionFilter? filter, WebhookEvent webhookEvent)
    {
        if (filter is null)
        {
            return true;
        }

        using var filterable = FilterableEvent.From(webhookEvent);
        return filter.Matches(filterable);
    }
}
