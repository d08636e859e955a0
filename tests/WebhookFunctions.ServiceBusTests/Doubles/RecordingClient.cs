using Azure.Messaging.ServiceBus;

namespace WebhookFunctions.ServiceBusTests.Doubles;

/// <summary>A client whose senders note the size of every batch they send, over another client's senders.</summary>
internal sealed class RecordingClient(ServiceBusClient inner) : ServiceBusClient
{
    public List<int> SentBatchSizes { get; } = [];

    public override ServiceBusSender CreateSender(string queueOrTopicName) => new RecordingSender(inner.CreateSender(queueOrTopicName), SentBatchSizes);

    private sealed class RecordingSender(ServiceBusSender inner, List<int> sentBatchSizes) : ServiceBusSender
    {
        public override string EntityPath => inner.EntityPath;

        public override ValueTask<ServiceBusMessageBatch> CreateMessageBatchAsync(CancellationToken cancellationToken = default) =>
            inner.CreateMessageBatchAsync(cancellationToken);

        public override async Task SendMessagesAsync(ServiceBusMessageBatch messageBatch, CancellationToken cancellationToken = default)
        {
            await inner.SendMessagesAsync(messageBatch, cancellationToken);
            sentBatchSizes.Add(messageBatch.Count);
        }
    }
}
