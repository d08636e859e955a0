namespace WebhookFunctions.Engine.Delivery.Egress;

/// <summary>The egress guard refused every address a receiver's host name resolved to.</summary>
public sealed class DestinationBlockedException(string message) : Exception(message);
