namespace WebhookFunctions.Engine.Publishing;

public sealed class PublishOptions
{
    public const string SectionName = "Publishing";

    /// <summary>
    /// Lets publish queue the delivery job of an event whose recipients fit in one job itself, without the notice and
    /// fan-out, where the transport offers it (<see cref="IDirectDelivery"/>: the self-hosted queues). Off: every event
    /// takes the notice → fan-out path, as on Service Bus.
    /// </summary>
    public bool DirectDelivery { get; set; } = true;
}
