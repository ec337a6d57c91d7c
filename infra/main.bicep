// Vertaisbotti on Azure: the Azure Bot (single tenant, Teams channel), the service on Azure Container Apps
// (HTTPS, probes, 1-2 replicas), PostgreSQL flexible server on a private subnet, Key Vault for the secrets
// (read by the app through its managed identity over a private endpoint), Log Analytics and Application
// Insights. The Entra app registration is made beforehand (README "Deploying", step 1) or by the Agents
// Toolkit (m365agents.yml); its id, tenant and secret are the parameters below.
//
//   az deployment group create --resource-group <group> --template-file infra/main.bicep \
//     --parameters resourceBaseName=vertaisbotti botAppId=<app id> containerImage=<registry>/vertaisbotti:<tag>
//   (the secure parameters are asked for; `messagingEndpoint` in the outputs goes to the app package)

targetScope = 'resourceGroup'

@description('Prefix of every resource name: 3-16 lower-case letters and digits, e.g. vertaisbotti or vbtesti.')
@minLength(3)
@maxLength(16)
param resourceBaseName string

@description('Azure region of the resources (the Azure Bot itself is global).')
param location string = resourceGroup().location

@description('Application (client) id of the bot\'s Entra app registration (single tenant).')
param botAppId string

@description('Directory (tenant) id of that registration; default: the tenant of this subscription.')
param botTenantId string = subscription().tenantId

@description('Client secret of the app registration (stored in Key Vault as bot-password).')
@secure()
param botAppPassword string

@description('At least 32 random characters (openssl rand -hex 32). Keys anonymous ballots: keep it forever, the same on every replica.')
@secure()
@minLength(32)
param pollSecret string

@description('The PEM private key that signs digital badges (openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072); stored in Key Vault as badge-signing-key. Keep it: badges already given are checked against it.')
@secure()
@minLength(200)
param badgeSigningKey string

@description('The service\'s public https address if you give the app a custom domain (e.g. https://bot.example.fi); empty: the container app\'s own address. Badge ids and their verification pages live under it: keep it stable.')
param publicUrl string = ''

@description('Password of the PostgreSQL administrator "vertaisbotti" (12+ characters, three of: upper, lower, digit, symbol).')
@secure()
@minLength(12)
param postgresAdminPassword string

@description('The service image, e.g. myregistry.azurecr.io/vertaisbotti:1.0.0 (built from the Dockerfile).')
param containerImage string

@description('Login server of a private registry to pull the image from with the app\'s managed identity (grant it AcrPull); empty for a public image.')
param registryServer string = ''

@description('The project team\'s Graph id (optional; otherwise learned when the bot is installed in a team).')
param teamId string = ''

@description('Entra object ids of the project coordinators, comma separated.')
param coordinators string = ''

@description('The organisation answerable for the service (at most 32 characters), named as the controller on its privacy page; use the APP_DEVELOPER_NAME of the app package.')
@maxLength(32)
param developerName string = 'Vertaisbotti'

@description('The address people write to about their data, shown on the service\'s privacy page (optional).')
param contactEmail string = ''

@description('When this deployment runs (leave the default): Key Vault secrets expire two years after it.')
param deployedAt string = utcNow()

@description('Replicas always running (1 or 2).')
@minValue(1)
@maxValue(2)
param minReplicas int = 1

@description('Replicas at most (HTTP load adds the second one).')
@minValue(1)
@maxValue(10)
param maxReplicas int = 2

var name = toLower(resourceBaseName)
var unique = uniqueString(resourceGroup().id, name)
var databaseName = 'vertaisbotti'
var postgresAdmin = 'vertaisbotti'
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var secretsExpire = dateTimeToEpoch(dateTimeAdd(deployedAt, 'P2Y')) // a reminder: README "Rotating the secret"

// ---- network: the app environment, the database and Key Vault's private endpoint each get a subnet ----
resource vnet 'Microsoft.Network/virtualNetworks@2023-11-01' = {
  name: '${name}-vnet'
  location: location
  properties: {
    addressSpace: { addressPrefixes: ['10.40.0.0/16'] }
    subnets: [
      {
        name: 'apps'
        properties: {
          addressPrefix: '10.40.0.0/23'
          networkSecurityGroup: { id: nsg.id }
          delegations: [{ name: 'apps', properties: { serviceName: 'Microsoft.App/environments' } }]
        }
      }
      {
        name: 'database'
        properties: {
          addressPrefix: '10.40.2.0/24'
          networkSecurityGroup: { id: nsg.id }
          delegations: [
            { name: 'postgres', properties: { serviceName: 'Microsoft.DBforPostgreSQL/flexibleServers' } }
          ]
        }
      }
      {
        name: 'endpoints'
        properties: {
          addressPrefix: '10.40.3.0/24'
          networkSecurityGroup: { id: nsg.id }
          privateEndpointNetworkPolicies: 'Enabled'
        }
      }
    ]
  }
}

// Nothing inside the network is reachable from outside it; the app's public side is Container Apps' ingress.
resource nsg 'Microsoft.Network/networkSecurityGroups@2023-11-01' = {
  name: '${name}-nsg'
  location: location
  properties: {
    securityRules: [
      {
        name: 'deny-internet-in'
        properties: {
          priority: 4000
          direction: 'Inbound'
          access: 'Deny'
          protocol: '*'
          sourceAddressPrefix: 'Internet'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '*'
        }
      }
    ]
  }
}

// ---- logs and traces ----
resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${name}-insights'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    DisableLocalAuth: false // the OpenTelemetry exporter authenticates with the connection string
  }
}

// ---- the identity the app uses for Key Vault (and the registry) ----
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${name}-identity'
  location: location
}

// ---- Key Vault: the secrets, readable only by that identity, only from inside the network ----
resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: 'kv-${take(name, 9)}-${take(unique, 8)}'
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Disabled'
    networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices' }
  }
}

var databaseUrl = 'postgresql://${postgresAdmin}:${uriComponent(postgresAdminPassword)}@${postgres.properties.fullyQualifiedDomainName}:5432/${databaseName}?sslmode=require'
var secretValues = [
  {
    name: 'bot-password'
    value: botAppPassword
  }
  {
    name: 'poll-secret'
    value: pollSecret
  }
  {
    name: 'database-url'
    value: databaseUrl
  }
  {
    name: 'insights-connection-string'
    value: insights.properties.ConnectionString
  }
  {
    name: 'badge-signing-key'
    value: badgeSigningKey
  }
]

resource secrets 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [
  for secret in secretValues: {
    parent: vault
    name: secret.name
    properties: {
      value: secret.value
      contentType: 'text/plain'
      attributes: { enabled: true, exp: secretsExpire }
    }
  }
]

resource vaultReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
  }
}

resource vaultDns 'Microsoft.Network/privateDnsZones@2020-06-01' = {
  name: 'privatelink.vaultcore.azure.net'
  location: 'global'
}

resource vaultDnsLink 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2020-06-01' = {
  parent: vaultDns
  name: '${name}-vault-link'
  location: 'global'
  properties: { registrationEnabled: false, virtualNetwork: { id: vnet.id } }
}

resource vaultEndpoint 'Microsoft.Network/privateEndpoints@2023-11-01' = {
  name: '${name}-vault-endpoint'
  location: location
  properties: {
    subnet: { id: '${vnet.id}/subnets/endpoints' }
    privateLinkServiceConnections: [
      { name: 'vault', properties: { privateLinkServiceId: vault.id, groupIds: ['vault'] } }
    ]
  }
}

resource vaultEndpointDns 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2023-11-01' = {
  parent: vaultEndpoint
  name: 'vault'
  properties: {
    privateDnsZoneConfigs: [{ name: 'vault', properties: { privateDnsZoneId: vaultDns.id } }]
  }
}

// ---- PostgreSQL flexible server on the database subnet (no public access) ----
resource postgresDns 'Microsoft.Network/privateDnsZones@2020-06-01' = {
  name: '${name}.private.postgres.database.azure.com'
  location: 'global'
}

resource postgresDnsLink 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2020-06-01' = {
  parent: postgresDns
  name: '${name}-postgres-link'
  location: 'global'
  properties: { registrationEnabled: false, virtualNetwork: { id: vnet.id } }
}

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2023-06-01-preview' = {
  name: '${name}-db-${take(unique, 6)}'
  location: location
  sku: { name: 'Standard_B1ms', tier: 'Burstable' }
  properties: {
    version: '16'
    administratorLogin: postgresAdmin
    administratorLoginPassword: postgresAdminPassword
    storage: { storageSizeGB: 32, autoGrow: 'Enabled' }
    backup: { backupRetentionDays: 14, geoRedundantBackup: 'Enabled' }
    network: {
      delegatedSubnetResourceId: '${vnet.id}/subnets/database'
      privateDnsZoneArmResourceId: postgresDns.id
      publicNetworkAccess: 'Disabled'
    }
    highAvailability: { mode: 'Disabled' }
  }
  dependsOn: [postgresDnsLink]
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2023-06-01-preview' = {
  parent: postgres
  name: databaseName
  properties: { charset: 'UTF8', collation: 'en_US.utf8' }
}

// Connections only with TLS (the service's DATABASE_URL asks for sslmode=require).
resource postgresTls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2023-06-01-preview' = {
  parent: postgres
  name: 'require_secure_transport'
  properties: { value: 'on', source: 'user-override' }
}

// ---- Container Apps: the environment on the apps subnet, and the service ----
resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${name}-env'
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
    vnetConfiguration: { infrastructureSubnetId: '${vnet.id}/subnets/apps', internal: false }
    workloadProfiles: [{ name: 'Consumption', workloadProfileType: 'Consumption' }]
    zoneRedundant: false
  }
}

var secretRefs = [
  {
    name: 'bot-password'
    env: 'MicrosoftAppPassword'
  }
  {
    name: 'poll-secret'
    env: 'POLL_SECRET'
  }
  {
    name: 'database-url'
    env: 'DATABASE_URL'
  }
  {
    name: 'insights-connection-string'
    env: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
  }
  {
    name: 'badge-signing-key'
    env: 'BADGE_SIGNING_KEY'
  }
]

// The app's address is its name under the environment's domain, known before the app exists (the app cannot
// refer to its own ingress fqdn). Off loopback the service refuses to start without an https PUBLIC_URL.
var appName = '${name}-app'
var appUrl = empty(publicUrl) ? 'https://${appName}.${environment.properties.defaultDomain}' : publicUrl

var plainEnv = [
  {
    name: 'HOST'
    value: '0.0.0.0'
  }
  {
    name: 'PORT'
    value: '3978'
  }
  {
    name: 'MicrosoftAppId'
    value: botAppId
  }
  {
    name: 'MicrosoftAppTenantId'
    value: botTenantId
  }
  {
    name: 'MicrosoftAppType'
    value: 'SingleTenant'
  }
  {
    name: 'TEAM_ID'
    value: teamId
  }
  {
    name: 'COORDINATORS'
    value: coordinators
  }
  {
    name: 'LOG_FORMAT'
    value: 'json'
  }
  {
    name: 'OTEL_SERVICE_NAME'
    value: name
  }
  {
    name: 'PUBLIC_URL'
    value: appUrl
  }
  {
    name: 'APP_DEVELOPER_NAME'
    value: developerName
  }
  {
    name: 'APP_CONTACT_EMAIL'
    value: contactEmail
  }
  {
    name: 'FORWARDED_HOPS' // the ingress in front appends the client's address to X-Forwarded-For
    value: '1'
  }
]
var secretEnv = [for ref in secretRefs: {
  name: ref.env
  secretRef: ref.name
}]

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: appName
  location: location
  identity: { type: 'UserAssigned', userAssignedIdentities: { '${identity.id}': {} } }
  properties: {
    environmentId: environment.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: 3978
        transport: 'http'
        allowInsecure: false // HTTPS only, with the environment's managed certificate
      }
      registries: empty(registryServer) ? [] : [{ server: registryServer, identity: identity.id }]
      secrets: [
        for ref in secretRefs: {
          name: ref.name
          keyVaultUrl: '${vault.properties.vaultUri}secrets/${ref.name}'
          identity: identity.id
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'vertaisbotti'
          image: containerImage
          resources: { cpu: json('0.5'), memory: '1Gi' }
          env: concat(plainEnv, secretEnv)
          probes: [
            {
              type: 'Startup'
              httpGet: { path: '/healthz', port: 3978 }
              periodSeconds: 2
              failureThreshold: 30
            }
            {
              type: 'Liveness'
              httpGet: { path: '/healthz', port: 3978 }
              periodSeconds: 10
              failureThreshold: 3
            }
            {
              type: 'Readiness'
              httpGet: { path: '/healthz', port: 3978 }  // /readyz is on the management listener (loopback)
              periodSeconds: 10
              failureThreshold: 3
            }
          ]
          volumeMounts: [{ volumeName: 'var', mountPath: '/app/var' }]
        }
      ]
      // var/ holds nothing that must survive a replica here: the data is in PostgreSQL, POLL_SECRET in Key Vault.
      volumes: [{ name: 'var', storageType: 'EmptyDir' }]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [{ name: 'http', http: { metadata: { concurrentRequests: '50' } } }]
      }
    }
  }
  dependsOn: [vaultReader, vaultEndpointDns, vaultDnsLink, secrets, database, postgresTls]
}

// ---- the Azure Bot: single tenant, messaging endpoint on the app, Teams channel ----
resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: '${name}-bot'
  location: 'global'
  kind: 'azurebot'
  sku: { name: 'F0' }
  properties: {
    displayName: 'Vertaisbotti'
    endpoint: 'https://${app.properties.configuration.ingress.fqdn}/api/messages'
    msaAppId: botAppId
    msaAppTenantId: botTenantId
    msaAppType: 'SingleTenant'
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled' // Teams reaches the bot through the Bot Framework service
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: { isEnabled: true }
  }
}

@description('The Azure Bot\'s messaging endpoint (already set on the bot).')
output messagingEndpoint string = bot.properties.endpoint

@description('BOT_DOMAIN for `make package`: the public host of the messaging endpoint.')
output botDomain string = app.properties.configuration.ingress.fqdn

@description('PUBLIC_URL of the service: badge ids and verification pages, the app\'s web pages.')
output publicUrl string = appUrl

output containerAppName string = app.name
output keyVaultName string = vault.name
output postgresServer string = postgres.properties.fullyQualifiedDomainName
output logAnalyticsWorkspaceId string = logs.properties.customerId
