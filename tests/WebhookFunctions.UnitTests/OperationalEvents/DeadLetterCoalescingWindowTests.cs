using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WebhookFunctions.Engine;
using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.OperationalEvents;
using WebhookFunctions.Engine.Subscriptions;

namespace WebhookFunctions.UnitTests.OperationalEvents;

/// <summary>The coalescing window is a setting: its length, not a minute, decides when a count ends and a new window begins.</summary>
public sealed class DeadLetterCoalescingWindowTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero));
    private readonly List<DeadLetterSummary> summaries = [];

    [Fact]
    public void Past_the_limit_the_rest_of_a_window_are_counted_by_reason_and_sent_when_the_configured_window_ends()
    {
        using var coalescer = new DeadLetterEventCoalescer(clock, 2, Window, Collect);
        var subscription = SubscriptionNamed("sub_a");
        var start = clock.GetUtcNow();

        Assert.True(coalescer.Admit(subscription, DeadLetterOf(subscription, DeadLetterReason.PayloadRejected)));
        Assert.True(coalescer.Admit(subscription, DeadLetterOf(subscription, DeadLetterReason.PayloadRejected)));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(coalescer.Admit(subscription, DeadLetterOf(subscription, DeadLetterReason.PayloadRejected)));
        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.False(coalescer.Admit(subscription, DeadLetterOf(subscription, DeadLetterReason.MaxAttemptsExceeded)));
        Assert.False(coalescer.Admit(subscription, DeadLetterOf(subscription, DeadLetterReason.MaxAttemptsExceeded)));

        clock.Advance(Window - TimeSpan.FromSeconds(4) - TimeSpan.FromMilliseconds(1));
        Assert.Empty(summaries);
        clock.Advance(TimeSpan.FromMilliseconds(1));

        var summary = Assert.Single(summaries);
        Assert.Equal(3, summary.Count);
        Assert.Equal(
            new Dictionary<DeadLetterReason, int> { [DeadLetterReason.PayloadRejected] = 1, [DeadLetterReason.MaxAttemptsExceeded] = 2 },
            summary.Reasons);
        Assert.Equal((start + TimeSpan.FromSeconds(1), start + TimeSpan.FromSeconds(4)), (summary.From, summary.Until));
    }

    [Fact]
    public void The_first_dead_letter_after_the_window_ended_starts_a_new_one_and_is_sent()
    {
        using var coalescer = new DeadLetterEventCoalescer(clock, 1, Window, Collect);
        var subscription = SubscriptionNamed("sub_b");

        Assert.True(coalescer.Admit(subscription, DeadLetterOf(subscription, DeadLetterReason.EndpointGone)));
        Assert.False(coalescer.Admit(subscription, DeadLetterOf(subscription, DeadLetterReason.SubscriptionDisabled)));
        clock.Advance(Window);
        Assert.True(coalescer.Admit(subscription, DeadLetterOf(subscription, DeadLetterReason.SubscriptionDisabled)));
        Assert.False(coalescer.Admit(subscription, DeadLetterOf(subscription, DeadLetterReason.SubscriptionDisabled)));
        clock.Advance(Window);

        Assert.Equal([1, 1], summaries.Select(summary => summary.Count));
    }

    [Fact]
    public void Windows_are_per_subscription()
    {
        using var coalescer = new DeadLetterEventCoalescer(clock, 1, Window, Collect);
        var first = SubscriptionNamed("sub_c");
        var second = SubscriptionNamed("sub_d");

        Assert.True(coalescer.Admit(first, DeadLetterOf(first, DeadLetterReason.PayloadRejected)));
        Assert.True(coalescer.Admit(second, DeadLetterOf(second, DeadLetterReason.PayloadRejected)));
        Assert.False(coalescer.Admit(first, DeadLetterOf(first, DeadLetterReason.PayloadRejected)));
        clock.Advance(Window);

        Assert.Equal("sub_c", Assert.Single(summaries).Subscription.Id);
    }

    [Fact]
    public void The_window_is_a_minute_unless_configured()
    {
        Assert.Equal(TimeSpan.FromMinutes(1), Resolve([]).CoalescingWindow);
        Assert.Equal(TimeSpan.FromSeconds(3), Resolve(new() { ["OperationalEvents:CoalescingWindow"] = "00:00:03" }).CoalescingWindow);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:05")]
    [InlineData("2.00:00:00")]
    public void A_window_that_is_not_positive_or_longer_than_a_day_stops_the_start(string window)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["OperationalEvents:CoalescingWindow"] = window }));

        Assert.Contains(nameof(OperationalEventOptions.CoalescingWindow), failure.Message, StringComparison.Ordinal);
    }

    private static OperationalEventOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var provider = new ServiceCollection().AddWebhookEngine(configuration).BuildServiceProvider();
        return provider.GetRequiredService<IOptions<OperationalEventOptions>>().Value;
    }

    private Task Collect(DeadLetterSummary summary)
    {
        summaries.Add(summary);
        return Task.CompletedTask;
    }

    private static Subscription SubscriptionNamed(string id) => new()
    {
        Id = id,
        Url = new Uri($"https://{id.Replace('_', '-')}.example/hook"),
        EventTypes = ["order.*"],
        Secrets = [],
        CreatedAt = DateTimeOffset.UnixEpoch,
        UpdatedAt = DateTimeOffset.UnixEpoch,
    };

    private DeadLetter DeadLetterOf(Subscription subscription, DeadLetterReason reason) =>
        new($"evt_{Guid.NewGuid():N}", subscription.Id, "order.created", reason, "test", 1, clock.GetUtcNow(), clock.GetUtcNow(), null, null, null);
}
