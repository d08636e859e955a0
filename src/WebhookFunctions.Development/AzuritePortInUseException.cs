namespace WebhookFunctions.Development;

/// <summary>Azurite could not bind one of its ports because something else listens there.</summary>
public sealed class AzuritePortInUseException : InvalidOperationException
{
    public AzuritePortInUseException()
    {
    }

    public AzuritePortInUseException(string message)
        : base(message)
    {
    }

    public AzuritePortInUseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AzuritePortInUseException(int port, string message)
        : base(message)
    {
        Port = port;
    }

    /// <summary>The port that was taken (0 when Azurite did not say which).</summary>
    public int Port { get; }
}
