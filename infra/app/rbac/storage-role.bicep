// One role on one storage account. Only data-plane storage roles are accepted, so a role cannot land on the wrong
// resource.
param storageAccountName string
param principalId string
@description('A deploy-time-known name of the principal (its resource id, or its object id when given as a parameter); seeds the assignment name so What-If can predict it.')
param principalKey string
param principalType 'ServicePrincipal' | 'User'
param roleName 'Storage Blob Data Owner' | 'Storage Table Data Contributor' | 'Storage Queue Data Contributor'

var roleDefinitionId = loadJsonContent('roles.json')[roleName]

resource storageAccount 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storageAccount.id, principalKey, roleDefinitionId)
  scope: storageAccount
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionId)
    principalId: principalId
    principalType: principalType
  }
}
