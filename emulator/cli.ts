// `npm run emulator -- --port 8090 --seed <dir-or-file> [--profile <name>]
//   [--identity-provider keycloak|entra|auth0] [--saas <clusterId>] [--generate 20x5]
//   [--collection <id>]`
// The FIRST stdout line is one JSON object {url, token, oauthUrl, collectionId}; the process
// stays up until SIGINT/SIGTERM.
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {parseArgs} from 'node:util'
import type {IdentityProvider} from './identity.js'
import {startEmulator} from './index.js'
import {PROFILE_NAMES} from './profiles.js'
import type {Profile} from './types.js'

const PROVIDERS: IdentityProvider[] = ['keycloak', 'entra', 'auth0']

function seedFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path]
  return readdirSync(path, {withFileTypes: true})
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap(entry => {
      const full = join(path, entry.name)
      if (entry.isDirectory()) return seedFiles(full)
      return entry.name.endsWith('.json') ? [full] : []
    })
}

async function main(): Promise<void> {
  const {values} = parseArgs({
    options: {
      port: {type: 'string', default: '8090'},
      seed: {type: 'string', multiple: true},
      profile: {type: 'string', default: '8.x'},
      saas: {type: 'string'},
      'identity-provider': {type: 'string'},
      generate: {type: 'string'},
      collection: {type: 'string', default: 'emulator-collection'}
    }
  })
  const profile = values.profile as Profile
  if (!PROFILE_NAMES.includes(profile))
    throw new Error(`--profile must be one of ${PROFILE_NAMES.join(', ')}`)
  const identityProvider = values['identity-provider'] as IdentityProvider | undefined
  if (identityProvider !== undefined && !PROVIDERS.includes(identityProvider))
    throw new Error(`--identity-provider must be one of ${PROVIDERS.join(', ')}`)
  const emulator = await startEmulator({
    profile,
    identityProvider,
    port: Number(values.port),
    saasClusterId: values.saas
  })
  const collectionId = values.collection
  emulator.state.addCollection({id: collectionId, name: 'Emulator collection'})
  for (const path of values.seed ?? []) {
    const files = seedFiles(path)
    for (const file of files) {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'))
      const entities = (Array.isArray(parsed) ? parsed : [parsed]) as Record<string, unknown>[]
      const isExport = entities.every(
        e => typeof e === 'object' && e !== null && 'exportEntityType' in e
      )
      if (!isExport && files.length > 1) {
        // A folder may hold other JSON (fixtures, notes): skip what is not an export file.
        process.stderr.write(`skipping ${file}: not an Optimize export file\n`)
        continue
      }
      emulator.state.seedEntities(entities, {collectionId})
    }
  }
  if (values.generate) {
    const match = /^(\d+)x(\d+)$/.exec(values.generate)
    if (!match)
      throw new Error('--generate must look like 20x5 (dashboards x reports per dashboard)')
    emulator.state.generate({
      collectionId,
      dashboards: Number(match[1]),
      reportsPerDashboard: Number(match[2]),
      seed: 1
    })
  }
  const {url, token, oauthUrl} = emulator
  process.stdout.write(`${JSON.stringify({url, token, oauthUrl, collectionId})}\n`)
  const stop = (): void => {
    void emulator.close().then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
