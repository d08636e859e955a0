using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WebhookFunctions.Engine;
using WebhookFunctions.Engine.Delivery;
using WebhookFunctions.Engine.Retention;

namespace WebhookFunctions.UnitTests.Retention;

/// <summary>Event retention counts from acceptance, so it must outlast the longest retry window plus a day.</summary>
public sealed class RetentionOptionsValidationTests
{
    [Fact]
    public void The_longest_retry_window_of_the_default_schedule_counts_jitter_retry_after_and_timeouts()
    {
        var window = RetrySchedule.MaxRetryWindow(DeliveryOptions.DefaultRetrySchedule, 0.2, TimeSpan.FromSeconds(15));

        // Delays × 1.2, each stretched by Retry-After to twice that, capped at 24 h (a delay already over 24 h stays):
        // 12 s + 12 min + 72 min + 4.8 h + 12 h + 24 h + 24 h + 24 h + 28.8 h, plus ten 15 s timeouts.
        var expected = TimeSpan.FromSeconds(12) + TimeSpan.FromMinutes(12 + 72) + TimeSpan.FromHours(4.8 + 12 + 24 + 24 + 24 + 28.8) + TimeSpan.FromSeconds(150);
        Assert.Equal(expected, window);
    }

    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.Equal(TimeSpan.FromDays(30), Resolve([]).Events);
    }

    [Fact]
    public void An_event_retention_shorter_than_the_retry_window_plus_a_day_stops_the_start()
    {
        // The default window is about 4.9 days; with the day of margin, 5 days is too short.
        var failure = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Retention:Events"] = "5.00:00:00" }));

        Assert.Contains("Retention:Events", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Delivery:RetrySchedule", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_retry_schedule_allows_a_short_event_retention()
    {
        var options = Resolve(new()
        {
            ["Retention:Events"] = "1.01:00:00",
            ["Delivery:RetrySchedule:0"] = "00:00:00",
            ["Delivery:RetrySchedule:1"] = "00:10:00",
        });

        Assert.Equal(TimeSpan.FromHours(25), options.Events);
    }

    [Fact]
    public void The_same_retention_fails_against_a_schedule_it_does_not_outlast()
    {
        Assert.Throws<OptionsValidationException>(() => Resolve(new()
        {
            ["Retention:Events"] = "1.01:00:00",
            ["Delivery:RetrySchedule:0"] = "00:00:00",
            ["Delivery:RetrySchedule:1"] = "01:00:00",
        }));
    }

    [Fact]
    public void Dead_letters_are_kept_until_replayed_or_purged_unless_a_retention_is_set()
    {
        Assert.Null(Resolve([]).DeadLetters);
        Assert.Equal(TimeSpan.FromDays(90), Resolve(new() { ["Retention:DeadLetters"] = "90.00:00:00" }).DeadLetters);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-1.00:00:00")]
    public void A_dead_letter_retention_that_is_not_positive_stops_the_start(string retention)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Retention:DeadLetters"] = retention }));

        Assert.Contains("Retention:DeadLetters must be positive", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_delivery_settings_are_reported_once_by_the_delivery_options_alone()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Delivery:Jitter"] = "5" }).Build();
        using var provider = new ServiceCollection().AddWebhookEngine(configuration).BuildServiceProvider();

        var retention = provider.GetRequiredService<IOptions<RetentionOptions>>().Value;
        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DeliveryOptions>>().Value);

        Assert.Equal(TimeSpan.FromDays(30), retention.Events);
        Assert.Contains("Jitter", failure.Message, StringComparison.Ordinal);
    }

    private static RetentionOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var provider = new ServiceCollection().AddWebhookEngine(configuration).BuildServiceProvider();
        return provider.GetRequiredService<IOptions<RetentionOptions>>().Value;
    }
}
