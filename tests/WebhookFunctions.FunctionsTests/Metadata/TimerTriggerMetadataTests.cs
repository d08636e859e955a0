using WebhookFunctions.Functions.Maintenance;

namespace WebhookFunctions.FunctionsTests.Metadata;

/// <summary>The retention sweep is the app's one timer, on the schedule its class declares.</summary>
public sealed class TimerTriggerMetadataTests
{
    [Fact]
    public void The_retention_sweep_is_the_only_timer_and_runs_on_its_declared_schedule()
    {
        var timer = Assert.Single(FunctionsMetadata.OfTrigger("timerTrigger"));

        Assert.Equal("RetentionSweep", timer.Name);
        Assert.Equal(typeof(RetentionSweepFunction).FullName, timer.ClassName);
        Assert.Equal(RetentionSweepFunction.Schedule, FunctionEntry.Text(timer.Trigger, "schedule"));
        // NCRONTAB with seconds: six fields.
        Assert.Equal(6, RetentionSweepFunction.Schedule.Split(' ').Length);
    }
}
