using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace WebhookFunctions.EndToEndTests.Delivery;

/// <summary>
/// Tenants on the real self-hosted server: an event published for a tenant reaches that tenant's matching endpoints
/// and no other tenant's or tenant-less endpoint; an event without a tenant reaches tenant-less endpoints only.
/// Absence is read from each event's delivery log, which lists every target fan-out chose (a job's attempts are
/// logged together), so no quiet period is needed.
/// </summary>
[Collection(DeliveryServerCollection.Name)]
public sealed class TenantIsolationTests(DeliveryServerFixture server)
{
    [Fact]
    public async Task A_tenants_event_reaches_only_that_tenants_endpoints()
    {
        var type = Unique("invoice") + ".paid";
        var prefix = type.Split('.')[0] + ".*";
        var tenantA = Unique("tenant-a");
        var tenantB = Unique("tenant-b");
        var a1 = await SubscribeAsync(tenantA, type);
        var a2 = await SubscribeAsync(tenantA, prefix);
        var b1 = await SubscribeAsync(tenantB, type);
        var none = await SubscribeAsync(null, prefix);

        var forA = await PublishJsonAsync(type, tenantA);
        var forB = await PublishCloudEventAsync(type, tenantB);
        var forNone = await PublishJsonAsync(type, tenantId: null);

        Assert.Equal(Ids(a1, a2), await DeliveredTargetsAsync(forA, 2));
        Assert.Equal(Ids(b1), await DeliveredTargetsAsync(forB, 1));
        var noneTargets = await DeliveredTargetsAsync(forNone, 1, exact: false);
        Assert.Contains(none.Id, noneTargets);
        Assert.DoesNotContain(a1.Id, noneTargets);
        Assert.DoesNotContain(b1.Id, noneTargets);

        Assert.Equal([forA], EventIdsAt(a1));
        Assert.Equal([forA], EventIdsAt(a2));
        Assert.Equal([forB], EventIdsAt(b1));
        Assert.Equal([forNone], EventIdsAt(none));
    }

    [Fact]
    public async Task Subscriptions_list_by_tenant_and_the_tenant_cannot_be_patched()
    {
        var tenant = Unique("tenant-l");
        var mine = await SubscribeAsync(tenant, "x.y");
        await SubscribeAsync(Unique("tenant-m"), "x.y");

        var listed = await server.Client.GetFromJsonAsync<JsonElement>($"/api/subscriptions?tenantId={tenant}");
        var item = Assert.Single(listed.GetProperty("items").EnumerateArray());
        Assert.Equal(mine.Id, item.GetProperty("id").GetString());
        Assert.Equal(tenant, item.GetProperty("tenantId").GetString());

        var read = await server.Client.GetAsync($"/api/subscriptions/{mine.Id}");
        using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/subscriptions/{mine.Id}")
        {
            Content = new StringContent("""{"tenantId":"someone-else"}""", Encoding.UTF8, "application/json"),
        };
        patch.Headers.TryAddWithoutValidation("If-Match", read.Headers.ETag!.ToString());
        var refused = await server.Client.SendAsync(patch);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("tenantId", out _), problem.ToString());
        var invalidFilter = await server.Client.GetAsync("/api/subscriptions?tenantId=not%20valid");
        Assert.Equal(HttpStatusCode.BadRequest, invalidFilter.StatusCode);
    }

    private async Task<List<string>> DeliveredTargetsAsync(string eventId, int expected, bool exact = true)
    {
        var attempts = await server.WaitForAttemptsAsync(eventId, list => list.Count(a => a.Outcome == "delivered") >= expected);
        var targets = attempts.Select(a => a.SubscriptionId).Distinct().Order(StringComparer.Ordinal).ToList();
        if (exact)
        {
            Assert.Equal(expected, targets.Count);
        }

        return targets;
    }

    private List<string> EventIdsAt(Subscriber subscriber) =>
        server.Receiver.At(subscriber.Endpoint).Select(w => JsonDocument.Parse(w.Body).RootElement.GetProperty("id").GetString()!).ToList();

    private static List<string> Ids(params Subscriber[] subscribers) => subscribers.Select(s => s.Id).Order(StringComparer.Ordinal).ToList();

    private async Task<Subscriber> SubscribeAsync(string? tenantId, params string[] eventTypes)
    {
        var url = server.Receiver.Endpoint(Unique("t"));
        var response = await server.Client.PostAsJsonAsync("/api/subscriptions", new { url, eventTypes, tenantId });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        using var created = JsonDocument.Parse(body);
        Assert.Equal(tenantId, created.RootElement.GetProperty("tenantId").GetString());
        var subscriber = new Subscriber(created.RootElement.GetProperty("id").GetString()!, created.RootElement.GetProperty("secret").GetString()!, new Uri(url).AbsolutePath.TrimStart('/'));
        return subscriber;
    }

    private async Task<string> PublishJsonAsync(string type, string? tenantId)
    {
        var response = await server.Client.PostAsJsonAsync("/api/events", new { type, data = new { n = 1 }, tenantId });
        return await AcceptedIdAsync(response);
    }

    private async Task<string> PublishCloudEventAsync(string type, string tenantId)
    {
        var cloudEvent = $$$"""{"specversion":"1.0","id":"{{{Guid.NewGuid():N}}}","source":"/tests","type":"{{{type}}}","tenantid":"{{{tenantId}}}","data":{"n":2}}""";
        var response = await server.Client.PostAsync("/api/events", new StringContent(cloudEvent, Encoding.UTF8, "application/cloudevents+json"));
        var id = await AcceptedIdAsync(response);
        var read = await server.Client.GetFromJsonAsync<JsonElement>($"/api/events/{id}");
        Assert.Equal(tenantId, read.GetProperty("tenantId").GetString());
        return id;
    }

    private static async Task<string> AcceptedIdAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    private static string Unique(string name) => $"{name}{Guid.NewGuid():N}"[..(name.Length + 8)];
}
