// `azd up` entry point: one resource group holding the Functions app on Flex Consumption and everything it reaches,
// all by managed identity (no keys or connection strings in app settings).
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; seeds the resource group name and the unique resource token.')
param environmentName string

// The regions the official Flex Consumption quickstart allows (Azure-Samples/functions-quickstart-dotnet-azd,
// infra/main.bicep, list last changed 2025-05-05 and unchanged at its 2026-02-24 head). A region without Flex
// Consumption would fail only at plan creation, after the resource group, identity, storage and Service Bus exist;
// `az functionapp list-flexconsumption-locations` gives today's list when a region is missing here.
@minLength(1)
@description('Region for every resource; must offer the Flex Consumption plan.')
@allowed([
  'australiaeast'
  'australiasoutheast'
  'brazilsouth'
  'canadacentral'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'eastus2euap'
  'francecentral'
  'germanywestcentral'
  'italynorth'
  'japaneast'
  'koreacentral'
  'northcentralus'
  'northeurope'
  'norwayeast'
  'southafricanorth'
  'southcentralus'
  'southeastasia'
  'southindia'
  'spaincentral'
  'swedencentral'
  'uaenorth'
  'uksouth'
  'ukwest'
  'westcentralus'
  'westeurope'
  'westus'
  'westus2'
  'westus3'
])
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Principal id of the deploying user (azd sets AZURE_PRINCIPAL_ID); it gets data roles for local runs and the portal. Empty: none.')
param principalId string = ''

// ARM refuses a role assignment whose principalType is not the principal's real kind (UnmatchedPrincipalType), so a
// pipeline that runs `azd provision` as a service principal or managed identity sets AZURE_PRINCIPAL_TYPE=ServicePrincipal
// in its azd environment (main.parameters.json passes it, User when unset).
@description('Kind of principalId: User for a person, ServicePrincipal for a pipeline identity (AZURE_PRINCIPAL_TYPE).')
param principalType 'ServicePrincipal' | 'User' = 'User'

@description('Memory of each Flex Consumption instance, in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Upper bound on Flex Consumption scale-out.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Overrides the resource group name (default rg-<environmentName>).')
param resourceGroupName string = ''

var abbreviations = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var apiServiceName = 'api'
var functionAppName = '${abbreviations.webSitesFunctions}${apiServiceName}-${resourceToken}'
var identityName = '${abbreviations.managedIdentityUserAssignedIdentities}${apiServiceName}-${resourceToken}'
var storageAccountName = '${abbreviations.storageStorageAccounts}${resourceToken}'
var serviceBusNamespaceName = '${abbreviations.serviceBusNamespaces}${resourceToken}'
var applicationInsightsName = '${abbreviations.insightsComponents}${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(toLower(uniqueString(functionAppName, resourceToken)), 7)}'

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbreviations.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: resourceGroup
  params: {
    name: identityName
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: resourceGroup
  params: {
    name: storageAccountName
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
  }
}

module serviceBus 'app/servicebus.bicep' = {
  name: 'servicebus'
  scope: resourceGroup
  params: {
    name: serviceBusNamespaceName
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: resourceGroup
  params: {
    logAnalyticsName: '${abbreviations.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: applicationInsightsName
    location: location
    tags: tags
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: resourceGroup
  params: {
    name: functionAppName
    planName: '${abbreviations.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    serviceName: apiServiceName
    identityResourceId: identity.outputs.resourceId
    identityClientId: identity.outputs.clientId
    storageAccountName: storageAccountName
    blobEndpoint: storage.outputs.blobEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: deploymentContainerName
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
  }
  // The app's first start reads storage and Service Bus as the identity: grant before creating it.
  dependsOn: [
    rbac
  ]
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: resourceGroup
  // The names are known before deployment; the dependencies are not implied by them.
  dependsOn: [
    identity
    storage
    serviceBus
    monitoring
  ]
  params: {
    storageAccountName: storageAccountName
    serviceBusNamespaceName: serviceBusNamespaceName
    applicationInsightsName: applicationInsightsName
    identityName: identityName
    userPrincipalId: principalId
    userPrincipalType: principalType
  }
}

// azd writes these to .azure/<env>/.env; the Storage__ and ServiceBusConnection__ ones are the app's own setting
// names, so a local run can use them as they are.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = resourceGroup.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output AZURE_FUNCTION_NAME string = api.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output Storage__TableServiceUri string = storage.outputs.tableEndpoint
output Storage__BlobServiceUri string = storage.outputs.blobEndpoint
output SERVICEBUS_NAMESPACE_NAME string = serviceBus.outputs.name
output ServiceBusConnection__fullyQualifiedNamespace string = serviceBus.outputs.fullyQualifiedNamespace
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.connectionString
