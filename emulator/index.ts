// Public entry point of the Optimize emulator: a local Optimize public REST API that reproduces
// the behaviour of real Optimize builds, one profile per line (see emulator/README.md).
import type {AddressInfo} from 'node:net'
import {Auth} from './auth.js'
import {DataExport} from './data-export.js'
import {Shuffler} from './export.js'
import {Faults, RequestLog} from './faults.js'
import type {IdentityProvider} from './identity.js'
import {resolveProfile} from './profiles.js'
import {createEmulatorServer} from './server.js'
import {EmulatorState} from './state.js'
import type {Profile} from './types.js'

export {EmulatorState} from './state.js'
export {startEngine, type Engine, type EngineApi} from './engine.js'
export {Faults, RequestLog, type FaultRule, type LoggedRequest} from './faults.js'
export type {GenerateOptions, GenerateResult} from './generator.js'
export type {SeedOptions} from './seed.js'
export type {IdentityProvider} from './identity.js'
export {LIST_FETCH_LIMIT, PROFILE_NAMES, resolveProfile, type ProfileSpec} from './profiles.js'
export type {
  Json,
  JsonObject,
  ProcessVariable,
  Profile,
  ProfileName,
  RouteName,
  ScopeEntry,
  VariableLabel
} from './types.js'

export interface EmulatorOptions {
  profile?: Profile
  saasClusterId?: string
  accessToken?: string
  clients?: {clientId: string; clientSecret: string}[]
  audience?: string
  /**
   * Overrides the profile: whether importFileInvalid / OptimizeValidationException answers reach
   * the Spring catch-all as 500 (see README, "Spring catch-all").
   */
  validationAs500?: boolean
  /** Overrides the profile's entity.nameMaxLength (null: names are not checked). */
  nameMaxLength?: number | null
  /** Which identity provider the token endpoint behaves like (default keycloak; auth0 in SaaS). */
  identityProvider?: IdentityProvider
  tokenTtlSeconds?: number
  port?: number
  shuffleSeed?: number
  idSeed?: number
}

export interface Emulator {
  url: string
  token: string
  oauthUrl: string
  state: EmulatorState
  faults: Faults
  requests: RequestLog
  close(): Promise<void>
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const base = resolveProfile(options.profile ?? '8.x')
  const profile = {
    ...base,
    validationAs500: options.validationAs500 ?? base.validationAs500,
    nameMaxLength: options.nameMaxLength === undefined ? base.nameMaxLength : options.nameMaxLength
  }
  const saas = options.saasClusterId
  const clients = options.clients ?? [
    {clientId: 'optimize-as-code', clientSecret: 'emulator-client-secret'}
  ]
  const state = new EmulatorState(options.idSeed)
  const faults = new Faults()
  const requests = new RequestLog()
  let issuer = 'http://127.0.0.1/oauth/token'
  const authConfig = {
    accessToken: options.accessToken ?? 'emulator-static-token',
    clients,
    audience: options.audience ?? (saas ? 'optimize.camunda.io' : 'optimize'),
    tokenTtlSeconds: options.tokenTtlSeconds ?? 300,
    saasClusterId: saas,
    get issuer() {
      return issuer
    },
    profile
  }
  const auth = new Auth(authConfig)
  const server = createEmulatorServer({
    state,
    profile,
    auth,
    identity: {
      provider: options.identityProvider ?? (saas ? 'auth0' : 'keycloak'),
      clients,
      audience: authConfig.audience,
      tokenTtlSeconds: authConfig.tokenTtlSeconds
    },
    faults,
    log: requests,
    dataExport: new DataExport(state, profile, faults),
    shuffler: new Shuffler(options.shuffleSeed),
    saasClusterId: saas
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const {port} = server.address() as AddressInfo
  const origin = `http://127.0.0.1:${port}`
  issuer = `${origin}/oauth/token`
  return {
    url: saas ? `${origin}/${saas}` : origin,
    token: saas
      ? auth.issue(clients[0]?.clientId ?? 'emulator', authConfig.audience)
      : authConfig.accessToken,
    oauthUrl: issuer,
    state,
    faults,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close(error => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      })
  }
}
