using WebhookFunctions.Engine.DeadLetters;
using WebhookFunctions.Engine.Delivery;

namespace WebhookFunctions.UnitTests.Delivery;

public class OutcomeClassifierTests
{
    [Theory]
    [InlineData(200)]
    [InlineData(201)]
    [InlineData(202)]
    [InlineData(204)]
    [InlineData(299)]
    public void Any_2xx_is_delivered(int status)
    {
        Assert.Equal(new Classification(OutcomeKind.Delivered), OutcomeClassifier.Classify(Response(status)));
    }

    [Fact]
    public void Gone_is_terminal_and_disables_the_subscription()
    {
        Assert.Equal(
            new Classification(OutcomeKind.Terminal, DeadLetterReason.EndpointGone, DisablesSubscription: true),
            OutcomeClassifier.Classify(Response(410)));
    }

    [Fact]
    public void Payload_too_large_is_terminal_and_keeps_the_subscription()
    {
        Assert.Equal(
            new Classification(OutcomeKind.Terminal, DeadLetterReason.PayloadRejected),
            OutcomeClassifier.Classify(Response(413)));
    }

    [Fact]
    public void A_blocked_destination_is_terminal()
    {
        Assert.Equal(
            new Classification(OutcomeKind.Terminal, DeadLetterReason.DestinationBlocked),
            OutcomeClassifier.Classify(Failure(SendErrors.DestinationBlocked)));
    }

    [Theory]
    [InlineData(100)]
    [InlineData(199)]
    [InlineData(300)]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(307)]
    [InlineData(308)]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(408)]
    [InlineData(409)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public void Other_statuses_including_redirects_are_retried(int status)
    {
        Assert.Equal(new Classification(OutcomeKind.Retry), OutcomeClassifier.Classify(Response(status)));
    }

    [Theory]
    [InlineData(SendErrors.Timeout)]
    [InlineData(SendErrors.ConnectionRefused)]
    [InlineData(SendErrors.DnsFailure)]
    [InlineData(SendErrors.TlsFailure)]
    [InlineData(SendErrors.ConnectionFailed)]
    public void Failures_to_get_a_response_are_retried(string error)
    {
        Assert.Equal(new Classification(OutcomeKind.Retry), OutcomeClassifier.Classify(Failure(error)));
    }

    private static SendResult Response(int status) => new(status, null, null, TimeSpan.FromMilliseconds(5), null);

    private static SendResult Failure(string error) => new(null, error, null, TimeSpan.FromMilliseconds(5), null);
}
