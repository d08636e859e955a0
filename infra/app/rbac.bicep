// Every role assignment, one named module call each, scoped to the resource it opens (never the resource group).
// The app's identity gets what the Functions app uses; the deploying user (principalId) gets the same so that the
// app can run locally against these resources. Role ids: rbac/roles.json.
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

module identityServiceBusSender 'rbac/servicebus-role.bicep' = {
  name: 'identity-servicebus-sender'
  params: {
    namespaceName: serviceBusNamespaceName
    principalId: identity.properties.principalId
    principalKey: identity.id
    principalType: 'ServicePrincipal'
    roleName: 'Azure Service Bus Data Sender'
  }
}

module identityServiceBusReceiver 'rbac/servicebus-role.bicep' = {
  name: 'identity-servicebus-receiver'
  params: {
    namespaceName: serviceBusNamespaceName
    principalId: identity.properties.principalId
    principalKey: identity.id
    principalType: 'ServicePrincipal'
    roleName: 'Azure Service Bus Data Receiver'
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
