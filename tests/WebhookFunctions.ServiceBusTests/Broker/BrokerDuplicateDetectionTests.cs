using Azure.Messaging.ServiceBus;
using WebhookFunctions.Engine.Queueing;
using WebhookFunctions.Testing.ServiceBus;

namespace WebhookFunctions.ServiceBusTests.Broker;

/// <summary>
/// Duplicate detection as Service Bus documents it: only the MessageId counts, a duplicate's send succeeds and the
/// message is dropped, and scheduled messages are included whichever of the two was scheduled.
/// </summary>
public sealed class BrokerDuplicateDetectionTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(5);
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider clock = BrokerClock.Create();
    private readonly ServiceBusBroker broker;
    private readonly ServiceBusSender sender;
    private readonly string subscription = EntityPaths.Subscription("events", "all");

    public BrokerDuplicateDetectionTests()
    {
        broker = new ServiceBusBroker(clock);
        broker.CreateTopic("events", Window);
        broker.CreateSubscription("events", "all");
        sender = broker.CreateClient().CreateSender("events");
    }

    [Fact]
    public async Task A_second_send_of_an_id_within_the_window_succeeds_and_is_dropped_whatever_its_body()
    {
        await sender.SendMessageAsync(new ServiceBusMessage("first") { MessageId = "evt_1" });
        clock.Advance(Window - TimeSpan.FromSeconds(1));
        await sender.SendMessageAsync(new ServiceBusMessage("second") { MessageId = "evt_1" });
        await sender.SendMessageAsync(new ServiceBusMessage("other") { MessageId = "evt_2" });

        Assert.Equal([("evt_1", "first"), ("evt_2", "other")], broker.Peek(subscription).Select(m => (m.MessageId, m.Body.ToString())));
    }

    [Fact]
    public async Task Once_the_window_has_passed_since_the_first_send_the_id_is_accepted_again()
    {
        await sender.SendMessageAsync(new ServiceBusMessage("first") { MessageId = "evt_1" });
        clock.Advance(Window);
        await sender.SendMessageAsync(new ServiceBusMessage("later") { MessageId = "evt_1" });

        Assert.Equal(["first", "later"], broker.Peek(subscription).Select(m => m.Body.ToString()));
    }

    [Fact]
    public async Task A_duplicate_within_one_batch_is_dropped_too()
    {
        await sender.SendMessagesAsync([new ServiceBusMessage("a") { MessageId = "evt_1" }, new ServiceBusMessage("b") { MessageId = "evt_1" }]);

        Assert.Equal("a", Assert.Single(broker.Peek(subscription)).Body.ToString());
    }

    [Fact]
    public async Task A_plain_send_after_a_scheduled_one_with_the_same_id_is_dropped()
    {
        await sender.ScheduleMessageAsync(new ServiceBusMessage("scheduled") { MessageId = "evt_1" }, BrokerClock.Start.AddMinutes(1));
        await sender.SendMessageAsync(new ServiceBusMessage("plain") { MessageId = "evt_1" });
        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal("scheduled", Assert.Single(broker.Peek(subscription)).Body.ToString());
    }

    [Fact]
    public async Task A_scheduled_send_after_a_plain_one_with_the_same_id_is_dropped_and_a_new_id_is_not()
    {
        await sender.SendMessageAsync(new ServiceBusMessage("plain") { MessageId = "evt_1" });
        await sender.ScheduleMessageAsync(new ServiceBusMessage("copy") { MessageId = "evt_1" }, BrokerClock.Start.AddSeconds(5));
        await sender.ScheduleMessageAsync(new ServiceBusMessage("renamed copy") { MessageId = "evt_1#f1" }, BrokerClock.Start.AddSeconds(5));
        clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(["plain", "renamed copy"], broker.Peek(subscription).Select(m => m.Body.ToString()));
    }

    [Fact]
    public async Task Messages_without_an_id_and_topics_without_detection_are_never_duplicates()
    {
        broker.CreateTopic("plain");
        broker.CreateSubscription("plain", "all");
        await sender.SendMessagesAsync([new ServiceBusMessage("a"), new ServiceBusMessage("b")]);
        var plain = broker.CreateClient().CreateSender("plain");
        await plain.SendMessagesAsync([new ServiceBusMessage("a") { MessageId = "x" }, new ServiceBusMessage("b") { MessageId = "x" }]);

        Assert.Equal(2, broker.Peek(subscription).Count);
        Assert.Equal(2, broker.Peek(EntityPaths.Subscription("plain", "all")).Count);
    }

    [Fact]
    public void The_window_is_held_to_the_range_Service_Bus_accepts()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => broker.CreateTopic("short", TimeSpan.FromSeconds(19)));
        Assert.Throws<ArgumentOutOfRangeException>(() => broker.CreateTopic("long", TimeSpan.FromDays(8)));
    }

    [Fact]
    public async Task The_apps_events_topic_drops_a_notice_sent_again_within_five_minutes()
    {
        var broker = WebhookTopology.CreateBroker(clock);
        var events = broker.CreateClient().CreateSender(MessagingNames.Events);

        await events.SendMessageAsync(new ServiceBusMessage("{}") { MessageId = "evt_1" });
        clock.Advance(WebhookTopology.EventsDuplicateDetectionWindow - TimeSpan.FromSeconds(1));
        await events.SendMessageAsync(new ServiceBusMessage("{}") { MessageId = "evt_1" });

        Assert.Single(broker.Peek(WebhookTopology.FanOutSubscription));
        Assert.Equal(TimeSpan.FromMinutes(5), WebhookTopology.EventsDuplicateDetectionWindow);
    }
}
