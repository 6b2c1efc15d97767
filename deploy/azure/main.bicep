// Azure resources for the Partner Score Assistant (see deploy/README.md):
//   - an Azure Bot registration with the Microsoft Teams channel,
//   - a Linux App Service running the bot's container image (deploy/Dockerfile), health-checked on /healthz,
//   - a storage account whose Azure Files share is mounted at /data (the TinyDB state: profiles, history,
//     conversation references, bot state),
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

@description('App Service plan SKU (Linux). Keep one instance: the TinyDB store has a single writer.')
param appServiceSku string = 'B1'

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
  }
}

resource fileService 'Microsoft.Storage/storageAccounts/fileServices@2023-01-01' = {
  parent: storage
  name: 'default'
}

resource share 'Microsoft.Storage/storageAccounts/fileServices/shares@2023-01-01' = {
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
    capacity: 1
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
  { name: 'DATA_DIR', value: '/data' }
  { name: 'HOST', value: '0.0.0.0' }
  { name: 'PORT', value: '3978' }
  { name: 'WEBSITES_PORT', value: '3978' }
  { name: 'WEBSITES_ENABLE_APP_SERVICE_STORAGE', value: 'false' }
  { name: 'ALLOWED_TENANTS', value: allowedTenants }
  { name: 'NOTIFY_DAY', value: string(notifyDay) }
  { name: 'NOTIFY_TIME', value: notifyTime }
  { name: 'NOTIFY_TIMEZONE', value: notifyTimezone }
]
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
  identity: useMsi ? {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  } : null
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: 'DOCKER|${containerImage}'
      alwaysOn: true
      healthCheckPath: '/healthz'
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      http20Enabled: true
      appSettings: concat(baseSettings, secretSettings, registrySettings)
      azureStorageAccounts: {
        data: {
          type: 'AzureFiles'
          accountName: storage.name
          shareName: share.name
          mountPath: '/data'
          accessKey: storage.listKeys().keys[0].value
        }
      }
    }
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

@description('Name of the Azure Files share holding the bot data (back it up).')
output dataShare string = '${storage.name}/${shareName}'
