using Microsoft.Extensions.Options;
using WebhookFunctions.Engine.Delivery;

namespace WebhookFunctions.Engine.Retention;

/// <summary>
/// Retention counts from acceptance, so it must outlast every retry: an event may not expire while a delivery of it
/// is still scheduled. The rule: <see cref="RetentionOptions.Events"/> ≥ the longest retry window the delivery
/// settings allow (<see cref="RetrySchedule.MaxRetryWindow"/>) plus <see cref="Margin"/> for deferrals by an open
/// circuit and queue backlog.
/// </summary>
internal sealed class RetentionOptionsValidator(IOptions<DeliveryOptions> delivery) : IValidateOptions<RetentionOptions>
{
    public static readonly TimeSpan Margin = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        DeliveryOptions settings;
        try
        {
            settings = delivery.Value;
        }
        catch (OptionsValidationException)
        {
            return ValidateOptionsResult.Skip; // The delivery options report their own error; one message, not two.
        }

        var retryWindow = RetrySchedule.MaxRetryWindow(settings.RetrySchedule.ToList(), settings.Jitter, settings.AttemptTimeout);
        var required = retryWindow + Margin;
        return options.Events >= required
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Retention:Events ({options.Events}) must be at least the longest retry window of Delivery:RetrySchedule ({retryWindow}, " +
                $"Retry-After and jitter included) plus {Margin.TotalHours:0} h, or an event could expire while its deliveries are still retried; at least {required} is needed.");
    }
}
