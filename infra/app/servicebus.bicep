// The Functions transport: publish sends a notice to the `events` topic, its `fanout` subscription feeds the fan-out
// function, which puts delivery jobs (and scheduled retries) on the `deliveries` queue. Entra ID only: local (SAS)
// auth is off. Standard is the smallest tier with topics and scheduled messages.
//
// Names and limits are the engine's (src/WebhookFunctions.Engine/Queueing/MessagingNames.cs); the infrastructure
// tests hold these literals to those constants.
param name string
param location string
param tags object

var eventsTopicName = 'events'
var fanOutSubscriptionName = 'fanout'
var deliveriesQueueName = 'deliveries'
// Broker redeliveries of one message (lock lost, host crash) before it is dead-lettered. The engine's own retries are
// new scheduled messages and do not count against it.
var maxDeliveryCount = 10
// Above the 15 s attempt timeout plus logging; the Functions host renews the lock while a function runs longer.
var lockDuration = 'PT1M'
// Retries are scheduled at most 24 h ahead and TTL runs from the scheduled time, so two weeks is never reached by a
// healthy job; one that does expire is dead-lettered rather than dropped.
var messageTimeToLive = 'P14D'
// A publish that is retried (a timeout after the broker accepted the send) sends its notice again with the same
// message id, the event id; the broker drops the copy instead of fanning the event out twice. Five minutes covers
// any retry of one publish, and matches tools/servicebus-emulator/Config.json (the infrastructure tests compare
// them). The window can be changed later; requiresDuplicateDetection cannot: a topic created without it (an
// environment deployed before this setting) must be deleted and recreated for it to apply.
var eventsDuplicateDetectionWindow = 'PT5M'

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource eventsTopic 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = {
  parent: namespace
  name: eventsTopicName
  properties: {
    defaultMessageTimeToLive: messageTimeToLive
    enableBatchedOperations: true
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: eventsDuplicateDetectionWindow
  }
}

resource fanOutSubscription 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = {
  parent: eventsTopic
  name: fanOutSubscriptionName
  properties: {
    maxDeliveryCount: maxDeliveryCount
    lockDuration: lockDuration
    defaultMessageTimeToLive: messageTimeToLive
    deadLetteringOnMessageExpiration: true
    deadLetteringOnFilterEvaluationExceptions: true
    enableBatchedOperations: true
  }
}

resource deliveriesQueue 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = {
  parent: namespace
  name: deliveriesQueueName
  properties: {
    maxDeliveryCount: maxDeliveryCount
    lockDuration: lockDuration
    defaultMessageTimeToLive: messageTimeToLive
    deadLetteringOnMessageExpiration: true
    enableBatchedOperations: true
    requiresSession: false
  }
}

output name string = namespace.name
// serviceBusEndpoint is https://<name>.servicebus.<cloud suffix>:443/; the SDK wants the bare host name.
output fullyQualifiedNamespace string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]
