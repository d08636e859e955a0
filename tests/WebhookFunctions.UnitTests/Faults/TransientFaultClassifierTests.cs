using System.Net;
using System.Net.Sockets;
using WebhookFunctions.Engine.Faults;

namespace WebhookFunctions.UnitTests.Faults;

public sealed class TransientFaultClassifierTests
{
    private static readonly TransientFaultClassifier WithoutRules = new([]);

    public static TheoryData<Exception, bool> Exceptions() => new()
    {
        { new TimeoutException("read timed out"), true },
        { new SocketException((int)SocketError.ConnectionRefused), true },
        { new HttpRequestException("connection refused"), true },
        { new HttpRequestException("busy", null, HttpStatusCode.ServiceUnavailable), true },
        { new HttpRequestException("throttled", null, HttpStatusCode.TooManyRequests), true },
        { new HttpRequestException("slow", null, HttpStatusCode.RequestTimeout), true },
        { new HttpRequestException("missing", null, HttpStatusCode.NotFound), false },
        { new HttpRequestException("forbidden", null, HttpStatusCode.Forbidden), false },
        { new InvalidOperationException("a bug"), false },
        { new InvalidDataException("a stored entity is corrupt"), false },
        { new FormatException("not a job"), false },
        { new AggregateException("Retry failed after 4 tries.", new TimeoutException(), new HttpRequestException("refused")), true },
        { new AggregateException(new AggregateException(new TimeoutException()), new TimeoutException()), true },
        { new AggregateException(new TimeoutException(), new InvalidOperationException("a bug")), false },
        { new AggregateException(), false },
    };

    [Theory]
    [MemberData(nameof(Exceptions))]
    public void Classifies_what_needs_no_SDK(Exception exception, bool transient)
    {
        Assert.Equal(transient, WithoutRules.IsTransient(exception, CancellationToken.None));
    }

    [Fact]
    public void A_cancellation_nobody_asked_for_is_a_timeout_of_a_dependency()
    {
        Assert.True(WithoutRules.IsTransient(new TaskCanceledException("The operation was cancelled because it exceeded the configured timeout."), CancellationToken.None));
    }

    [Fact]
    public void A_cancellation_of_the_work_itself_is_a_shutdown_not_a_fault()
    {
        using var shutdown = new CancellationTokenSource();
        shutdown.Cancel();

        Assert.False(WithoutRules.IsTransient(new OperationCanceledException(shutdown.Token), shutdown.Token));
    }

    [Fact]
    public void An_adapter_rule_extends_the_classification_to_its_SDK()
    {
        var classifier = new TransientFaultClassifier([new TransientWhen<BrokerBusyException>()]);

        Assert.True(classifier.IsTransient(new BrokerBusyException(), CancellationToken.None));
        Assert.True(classifier.IsTransient(new AggregateException(new BrokerBusyException(), new TimeoutException()), CancellationToken.None));
        Assert.False(WithoutRules.IsTransient(new BrokerBusyException(), CancellationToken.None));
        Assert.False(classifier.IsTransient(new InvalidOperationException(), CancellationToken.None));
    }

    [Fact]
    public void Every_rule_is_asked_until_one_knows_the_exception()
    {
        var classifier = new TransientFaultClassifier([new TransientWhen<InsufficientMemoryException>(), new TransientWhen<BrokerBusyException>()]);

        Assert.True(classifier.IsTransient(new BrokerBusyException(), CancellationToken.None));
    }

    private sealed class BrokerBusyException : Exception;

    private sealed class TransientWhen<TException> : ITransientFaultRule
        where TException : Exception
    {
        public bool IsTransient(Exception exception) => exception is TException;
    }
}
