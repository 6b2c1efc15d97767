// Azure resources for the Partner Score Assistant (see deploy/README.md):
//   - an Azure Bot registration with the Microsoft Teams channel,
//   - a Linux App Service running the bot's container image (deploy/Dockerfile), health-checked on /healthz,
//     on `instanceCount` instances,
//   - a storage account holding the bot's state (profiles, history, conversation references, bot state):
//     storageBackend 'blob' (default): a blob container the web app's managed identity reaches with the
//     Storage Blob Data Contributor role (STORAGE=blob, no keys); storageBackend 'tinydb': an Azure Files
//     share mounted at /data, on one instance (the TinyDB files have a single writer),
//   - by default a user-assigned managed identity as the bot's identity (no secret to rotate).
// Deploy:  az deployment group create -g <rg> -f deploy/azure/main.bicep -p deploy/azure/main.parameters.json

targetScope = 'resourceGroup'

@description('Short name used to derive resource names (lowercase letters and digits, 3-16 characters).')
@minLength(3)
@maxLength(16)
param appName string

@description('Azure region for the App Service, storage and identity (the bot registration itself is global).')
param location string = resourceGroup().location

@description('Container image of the bot, e.g. myregistry.azurecr.io/partner-score-assistant:1.0.0.')
param containerImage string

@description('Registry server for a private image (e.g. myregistry.azurecr.io); empty for a public image.')
param registryServer string = ''

@description('Registry user name for a private image; empty for a public image.')
param registryUsername string = ''

@description('Registry password or token for a private image.')
@secure()
param registryPassword string = ''

@description('Bot identity: UserAssignedMSI (a managed identity is created; no secret) or SingleTenant (an Entra app registration you created, with its client secret).')
@allowed([
  'UserAssignedMSI'
  'SingleTenant'
])
param botAppType string = 'UserAssignedMSI'

@description('SingleTenant only: the Entra application (client) id of the bot.')
param botAppId string = ''

@description('SingleTenant only: a client secret of that application.')
@secure()
param botAppPassword string = ''

@description('Azure Bot pricing tier: F0 (free, standard channels such as Teams are free on both) or S1.')
@allowed([
  'F0'
  'S1'
])
param botSku string = 'F0'

@description('App Service plan SKU (Linux).')
param appServiceSku string = 'B1'

@description('Where the bot keeps its state: blob (Azure Blob Storage, several instances) or tinydb (files on an Azure Files share, one instance).')
@allowed([
  'blob'
  'tinydb'
])
param storageBackend string = 'blob'

@description('Number of App Service instances serving the bot (blob storage only; tinydb always runs one).')
@minValue(1)
@maxValue(10)
param instanceCount int = 2

@description('Comma-separated Teams tenant ids allowed to use the bot; empty allows every tenant.')
param allowedTenants string = ''

@description('Day of the month for the score notifications (1-31; partner data is refreshed by the 20th).')
@minValue(1)
@maxValue(31)
param notifyDay int = 21

@description('Time of day for the score notifications, HH:MM (24-hour clock).')
param notifyTime string = '09:00'

@description('IANA time zone of notifyDay/notifyTime, e.g. UTC or Europe/Paris.')
param notifyTimezone string = 'UTC'

var suffix = uniqueString(resourceGroup().id, appName)
var siteName = '${appName}-${suffix}'
var storageName = take(toLower('st${appName}${suffix}'), 24)
var shareName = 'bot-data'
var containerName = 'partner-score'
var useBlob = storageBackend == 'blob'
// Storage Blob Data Contributor (built-in role): read, write, delete and lease blobs, create the container.
var blobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var useMsi = botAppType == 'UserAssignedMSI'
var usePrivateRegistry = !empty(registryServer)

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = if (useMsi) {
  name: 'id-${appName}-${suffix}'
  location: location
}

resource storage 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: storageName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    // Blob: the managed identity only, no account keys. The Azure Files mount (tinydb) needs the key.
    allowSharedKeyAccess: !useBlob
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-01-01' = if (useBlob) {
  parent: storage
  name: 'default'
}

resource blobContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-01-01' = if (useBlob) {
  parent: blobService
  name: containerName
  properties: {
    publicAccess: 'None'
  }
}

resource fileService 'Microsoft.Storage/storageAccounts/fileServices@2023-01-01' = if (!useBlob) {
  parent: storage
  name: 'default'
}

resource share 'Microsoft.Storage/storageAccounts/fileServices/shares@2023-01-01' = if (!useBlob) {
  parent: fileService
  name: shareName
  properties: {
    shareQuota: 5
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: 'plan-${appName}-${suffix}'
  location: location
  kind: 'linux'
  sku: {
    name: appServiceSku
    capacity: useBlob ? instanceCount : 1
  }
  properties: {
    reserved: true
  }
}

var msiClientId = useMsi ? identity.properties.clientId : ''
var appId = useMsi ? msiClientId : botAppId

var baseSettings = [
  { name: 'MicrosoftAppId', value: appId }
  { name: 'MicrosoftAppType', value: botAppType }
  { name: 'MicrosoftAppTenantId', value: tenant().tenantId }
  { name: 'HOST', value: '0.0.0.0' }
  { name: 'PORT', value: '3978' }
  { name: 'WEBSITES_PORT', value: '3978' }
  { name: 'WEBSITES_ENABLE_APP_SERVICE_STORAGE', value: 'false' }
  { name: 'ALLOWED_TENANTS', value: allowedTenants }
  { name: 'NOTIFY_DAY', value: string(notifyDay) }
  { name: 'NOTIFY_TIME', value: notifyTime }
  { name: 'NOTIFY_TIMEZONE', value: notifyTimezone }
]
var storageSettings = useBlob ? [
  { name: 'STORAGE', value: 'blob' }
  { name: 'AZURE_STORAGE_ACCOUNT_URL', value: storage.properties.primaryEndpoints.blob }
  { name: 'AZURE_STORAGE_CONTAINER', value: containerName }
] : [
  { name: 'STORAGE', value: 'tinydb' }
  { name: 'DATA_DIR', value: '/data' }
]
var dataMount = useBlob ? {} : {
  data: {
    type: 'AzureFiles'
    accountName: storage.name
    shareName: shareName
    mountPath: '/data'
    accessKey: storage.listKeys().keys[0].value
  }
}
var secretSettings = useMsi ? [] : [
  { name: 'MicrosoftAppPassword', value: botAppPassword }
]
var registrySettings = usePrivateRegistry ? [
  { name: 'DOCKER_REGISTRY_SERVER_URL', value: 'https://${registryServer}' }
  { name: 'DOCKER_REGISTRY_SERVER_USERNAME', value: registryUsername }
  { name: 'DOCKER_REGISTRY_SERVER_PASSWORD', value: registryPassword }
] : []

resource site 'Microsoft.Web/sites@2023-12-01' = {
  name: siteName
  location: location
  kind: 'app,linux,container'
  // System-assigned: the web app's own identity, which reads and writes the blobs (DefaultAzureCredential
  // picks it up); user-assigned: the bot's identity towards the Bot Framework (UserAssignedMSI).
  identity: useMsi ? {
    type: 'SystemAssigned, UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  } : {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false // any instance serves any turn
    siteConfig: {
      linuxFxVersion: 'DOCKER|${containerImage}'
      alwaysOn: true
      healthCheckPath: '/healthz'
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      http20Enabled: true
      appSettings: concat(baseSettings, storageSettings, secretSettings, registrySettings)
      azureStorageAccounts: dataMount
    }
  }
  dependsOn: [
    share
    blobContainer
  ]
}

resource blobRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (useBlob) {
  scope: storage
  name: guid(storage.id, site.id, blobDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataContributor)
    principalId: site.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: 'bot-${appName}-${suffix}'
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: botSku
  }
  properties: {
    displayName: 'Partner Score Assistant'
    description: 'Solutions Partner for Azure capability scores, reasons and plans in Microsoft Teams.'
    endpoint: 'https://${site.properties.defaultHostName}/api/messages'
    msaAppId: appId
    msaAppType: botAppType
    msaAppTenantId: tenant().tenantId
    msaAppMSIResourceId: useMsi ? identity.id : null
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

@description('Messaging endpoint registered on the Azure Bot.')
output botEndpoint string = bot.properties.endpoint

@description('Public host name of the bot: BOT_DOMAIN for `python -m deploy.teams_package`.')
output botDomain string = site.properties.defaultHostName

@description('The bot\'s Microsoft App ID: MicrosoftAppId / --bot-id for the Teams app package.')
output botAppId string = appId

@description('Where the bot data is (back it up): the blob container, or the Azure Files share (tinydb).')
output dataLocation string = useBlob ? '${storage.properties.primaryEndpoints.blob}${containerName}' : '${storage.name}/${shareName}'
