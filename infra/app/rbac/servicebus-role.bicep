// One role on one Service Bus namespace (send to `events` and `deliveries`, receive from `fanout` and `deliveries`;
// the app's Data Owner also reads entity runtime properties for the scale controller).
param namespaceName string
param principalId string
@description('A deploy-time-known name of the principal (its resource id, or its object id when given as a parameter); seeds the assignment name so What-If can predict it.')
param principalKey string
param principalType 'ServicePrincipal' | 'User'
param roleName 'Azure Service Bus Data Sender' | 'Azure Service Bus Data Receiver' | 'Azure Service Bus Data Owner'

var roleDefinitionId = loadJsonContent('roles.json')[roleName]

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: namespaceName
}

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(namespace.id, principalKey, roleDefinitionId)
  scope: namespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionId)
    principalId: principalId
    principalType: principalType
  }
}
