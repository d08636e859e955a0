using WebhookFunctions.Testing.Receivers;
using WebhookFunctions.Testing.Waiting;

namespace WebhookFunctions.EndToEndTests.Resilience;

/// <summary>
/// The receiver tells senders apart by the process holding each connection's client end
/// (<see cref="MultipleInstancesTests"/> relies on it): here the sender is this test process.
/// </summary>
public sealed class SocketOwnersTests
{
    [Fact]
    public async Task Each_request_names_the_process_that_holds_its_connection()
    {
        Assert.True(SocketOwners.AreReadable, "Connections are traced through /proc/net/tcp (Linux).");
        var candidates = new Dictionary<string, int> { ["init"] = 1, ["this test"] = Environment.ProcessId };
        WebhookReceiver? receiverReference = null;
        await using var receiver = receiverReference = await WebhookReceiver.StartAsync(client =>
            SocketOwners.OwnerOf(client, receiverReference!.BaseAddress.Port, candidates));
        var url = receiver.Endpoint("hooks");

        using var client = new HttpClient();
        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent("{}") };
            request.Headers.Add("webhook-id", $"evt_{i}");
            using var response = await client.SendAsync(request);
            response.EnsureSuccessStatusCode();
        }

        await Eventually.HoldsAsync(() => receiver.Arrivals.Count == 2, "both requests recorded");
        Assert.All(receiver.Arrivals, arrival =>
        {
            Assert.Equal("this test", arrival.Sender);
            Assert.True(arrival.EndedAt >= arrival.ArrivedAt);
        });
    }

    [Fact]
    public async Task A_connection_held_by_none_of_the_candidates_names_no_sender()
    {
        Assert.True(SocketOwners.AreReadable, "Connections are traced through /proc/net/tcp (Linux).");
        var candidates = new Dictionary<string, int> { ["init"] = 1 };
        WebhookReceiver? receiverReference = null;
        await using var receiver = receiverReference = await WebhookReceiver.StartAsync(client =>
            SocketOwners.OwnerOf(client, receiverReference!.BaseAddress.Port, candidates));

        using var client = new HttpClient();
        using var response = await client.PostAsync(receiver.Endpoint("hooks"), new StringContent("{}"));
        response.EnsureSuccessStatusCode();

        await Eventually.HoldsAsync(() => receiver.Arrivals.Count == 1, "the request recorded");
        Assert.Null(Assert.Single(receiver.Arrivals).Sender);
    }
}
