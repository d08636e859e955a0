// One role on one Application Insights component: with local auth disabled, telemetry is accepted only from
// principals holding Monitoring Metrics Publisher on it.
param applicationInsightsName string
param principalId string
@description('A deploy-time-known name of the principal (its resource id, or its object id when given as a parameter); seeds the assignment name so What-If can predict it.')
param principalKey string
param principalType 'ServicePrincipal' | 'User'
param roleName 'Monitoring Metrics Publisher'

var roleDefinitionId = loadJsonContent('roles.json')[roleName]

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, principalKey, roleDefinitionId)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionId)
    principalId: principalId
    principalType: principalType
  }
}
