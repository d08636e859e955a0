// Every role assignment, one named module call each, scoped to the resource it opens (never the resource group).
// The app's identity gets what the Functions app and its scale controller use; the deploying user (principalId) gets
// the data roles a person needs to run the app locally against these resources and to read them in the portal
// (docs/deploy-to-azure.md): the same, except Service Bus Data Sender + Data Receiver instead of Data Owner, since no
// scale controller runs for a local host. Role ids: rbac/roles.json.
//
// No Storage Queue Data Contributor: on Azure the transport is Service Bus and the Functions host needs blobs only
// (keys, leases); storage queues are the self-hosted server's transport.
param storageAccountName string
param serviceBusNamespaceName string
param applicationInsightsName string
param identityName string
@description('The deploying user or pipeline principal; empty to skip its assignments.')
param userPrincipalId string
param userPrincipalType 'ServicePrincipal' | 'User'

var grantUser = !empty(userPrincipalId)

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: identityName
}

module identityBlobDataOwner 'rbac/storage-role.bicep' = {
  name: 'identity-blob-data-owner'
  params: {
    storageAccountName: storageAccountName
    principalId: identity.properties.principalId
    principalKey: identity.id
    principalType: 'ServicePrincipal'
    roleName: 'Storage Blob Data Owner'
  }
}

module identityTableDataContributor 'rbac/storage-role.bicep' = {
  name: 'identity-table-data-contributor'
  params: {
    storageAccountName: storageAccountName
    principalId: identity.properties.principalId
    principalKey: identity.id
    principalType: 'ServicePrincipal'
    roleName: 'Storage Table Data Contributor'
  }
}

// Data Owner, not Data Sender + Data Receiver: the Functions scale controller reads each trigger entity's message
// count (ServiceBusMetricsProvider.GetMessageCountAsync in Microsoft.Azure.WebJobs.Extensions.ServiceBus), which
// needs the Manage right; with Receiver only it gets UnauthorizedAccessException and falls back to a slower
// peek-based estimate (Azure/azure-functions-host#8892). The official Flex Consumption Service Bus template
// (Azure-Samples/functions-quickstart-dotnet-azd-service-bus, infra/main.bicep) grants the app Data Owner, and the
// Functions docs' role table for the Service Bus trigger lists Data Receiver and Data Owner
// (https://learn.microsoft.com/azure/azure-functions/functions-bindings-service-bus-trigger#identity-based-connections).
// Data Owner includes sending and receiving, so it replaces those two roles rather than adding to them.
module identityServiceBusDataOwner 'rbac/servicebus-role.bicep' = {
  name: 'identity-servicebus-data-owner'
  params: {
    namespaceName: serviceBusNamespaceName
    principalId: identity.properties.principalId
    principalKey: identity.id
    principalType: 'ServicePrincipal'
    roleName: 'Azure Service Bus Data Owner'
  }
}

module identityMetricsPublisher 'rbac/monitoring-role.bicep' = {
  name: 'identity-metrics-publisher'
  params: {
    applicationInsightsName: applicationInsightsName
    principalId: identity.properties.principalId
    principalKey: identity.id
    principalType: 'ServicePrincipal'
    roleName: 'Monitoring Metrics Publisher'
  }
}

module userBlobDataOwner 'rbac/storage-role.bicep' = if (grantUser) {
  name: 'user-blob-data-owner'
  params: {
    storageAccountName: storageAccountName
    principalId: userPrincipalId
    principalKey: userPrincipalId
    principalType: userPrincipalType
    roleName: 'Storage Blob Data Owner'
  }
}

module userTableDataContributor 'rbac/storage-role.bicep' = if (grantUser) {
  name: 'user-table-data-contributor'
  params: {
    storageAccountName: storageAccountName
    principalId: userPrincipalId
    principalKey: userPrincipalId
    principalType: userPrincipalType
    roleName: 'Storage Table Data Contributor'
  }
}

module userServiceBusSender 'rbac/servicebus-role.bicep' = if (grantUser) {
  name: 'user-servicebus-sender'
  params: {
    namespaceName: serviceBusNamespaceName
    principalId: userPrincipalId
    principalKey: userPrincipalId
    principalType: userPrincipalType
    roleName: 'Azure Service Bus Data Sender'
  }
}

module userServiceBusReceiver 'rbac/servicebus-role.bicep' = if (grantUser) {
  name: 'user-servicebus-receiver'
  params: {
    namespaceName: serviceBusNamespaceName
    principalId: userPrincipalId
    principalKey: userPrincipalId
    principalType: userPrincipalType
    roleName: 'Azure Service Bus Data Receiver'
  }
}

module userMetricsPublisher 'rbac/monitoring-role.bicep' = if (grantUser) {
  name: 'user-metrics-publisher'
  params: {
    applicationInsightsName: applicationInsightsName
    principalId: userPrincipalId
    principalKey: userPrincipalId
    principalType: userPrincipalType
    roleName: 'Monitoring Metrics Publisher'
  }
}
