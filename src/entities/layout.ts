/**
 * Pure file layout: which file each normalized entity lives in, and the text of
 * every file the action manages under `path`. No I/O.
 *
 *   optimize-as-code.json          manifest: what the action manages (no timestamps)
 *   collection.json                the collection's name and data sources (collection-file.ts)
 *   dashboards/<slug>.json         one dashboard
 *   dashboards/<slug>.svg          a picture of its tile grid
 *   reports/<slug>.json            one report (stored once, however many dashboards use it)
 *   reports/<slug>.dmn             the DMN XML of a decision report
 *
 * A slug is the entity's name made safe for Linux, macOS and Windows. Entities
 * whose slugs collide in a folder (same name, names differing only in case or
 * punctuation) all get a suffix derived from their identity (identity.ts: a
 * report on a dashboard through the dashboard's name and its own), not from
 * their id: a dashboard re-imported into Optimize, which gives it and its
 * reports new ids, keeps its files. A file name never depends on the order
 * Optimize returned entities in.
 */
import {hash} from 'node:crypto'
import slugify from '@sindresorhus/slugify'
import type {Dashboard, Entity, Report} from '../optimize/schemas.js'
import {toCanonicalJson} from './canonical-json.js'
import {COLLECTION_FILE, type CollectionFile} from './collection-file.js'
import {identityKeys} from './identity.js'
import type {JsonDocument} from './json-document.js'
import {compareStrings, type NormalizedEntity} from './normalize.js'

export const MANIFEST_FILE = 'optimize-as-code.json'
export const DASHBOARD_DIR = 'dashboards'
export const REPORT_DIR = 'reports'
export const MANIFEST_FORMAT_VERSION = 1

const MAX_SLUG_LENGTH = 60
/** Names Windows reserves in every folder, whatever the extension. */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/

/** The entities of one export, normalized. */
export interface EntityTree {
  dashboards: NormalizedEntity<Dashboard>[]
  reports: NormalizedEntity<Report>[]
}

/** A file the action writes, relative to `path`, with POSIX separators. */
export interface ManagedFile {
  path: string
  content: string
  /** For an entity's JSON file: the entity it holds. */
  entity?: NormalizedEntity
}

export interface ManifestEntry {
  id: string
  type: Entity['exportEntityType']
  name: string
  file: string
}

export interface Manifest {
  formatVersion: number
  entities: ManifestEntry[]
  files: string[]
}

/** A problem of a file of the tree, for an annotation. */
export interface TreeProblem {
  /** Relative to the tree's folder, POSIX separators. */
  file: string
  line?: number
  column?: number
  message: string
}

/** An entity file read back, parsed and checked against the entity schemas. */
export interface EntityFile {
  file: string
  entity: Entity
  decisionXml?: string
  document: JsonDocument
}

/** A tree read back from its folder. */
export interface LoadedTree {
  tree: EntityTree
  files: EntityFile[]
  problems: TreeProblem[]
  manifest?: Manifest
  /** The collection file, when the folder has one and it is valid. */
  collection?: CollectionFile
  /** The text of every file read (entity JSON, .dmn, the collection file), by path relative to the folder. */
  texts: Map<string, string>
}

/** Renders extra files for a dashboard (its SVG picture), given its file's path without `.json`. */
export type DashboardExtras = (
  dashboard: Dashboard,
  reportsById: ReadonlyMap<string, Report>
) => {extension: string; content: string}[]

export function slugFor(name: string, fallback: string): string {
  let slug = slugify(name).slice(0, MAX_SLUG_LENGTH).replace(/-+$/, '')
  if (slug === '') slug = fallback
  if (WINDOWS_RESERVED.test(slug)) slug = `${fallback}-${slug}`
  return slug
}

/** An entity of one folder: its id, its name and its identity key (identity.ts). */
export interface NamedEntity {
  id: string
  name: string
  key: string
}

/** File base names (no extension) for entities of one folder, keyed by id. */
export function assignFileNames(
  entities: readonly NamedEntity[],
  fallback: string
): Map<string, string> {
  const bySlug = new Map<string, NamedEntity[]>()
  // Names repeat (a report per tile, "Started per month" on every dashboard): slug each once.
  const slugs = new Map<string, string>()
  for (const entity of entities) {
    let slug = slugs.get(entity.name)
    if (slug === undefined) {
      slug = slugFor(entity.name, fallback)
      slugs.set(entity.name, slug)
    }
    const group = bySlug.get(slug)
    if (group) group.push(entity)
    else bySlug.set(slug, [entity])
  }
  const names = new Map<string, string>()
  for (const [slug, group] of bySlug) {
    const unique = new Set(group.map(entity => entity.id))
    // Entities whose slugs collide are told apart by eight hex digits of a SHA-256 of their identity.
    for (const {id, key} of group)
      names.set(id, unique.size === 1 ? slug : `${slug}-${hash('sha256', key).slice(0, 8)}`)
  }
  return names
}

/** Every file of the tree, the collection file and the manifest included, sorted by path. */
export function layoutTree(
  tree: EntityTree,
  extras?: DashboardExtras,
  collection?: CollectionFile
): ManagedFile[] {
  const files: ManagedFile[] = []
  const entries: ManifestEntry[] = []
  const reportsById = new Map(tree.reports.map(({entity}) => [entity.id, entity]))
  const keys = identityKeys({dashboards: tree.dashboards.map(d => d.entity), reports: reportsById})
  const named = (entity: Entity, key: string | undefined): NamedEntity => ({
    id: entity.id,
    name: entity.name,
    key: key ?? entity.id
  })

  const reportNames = assignFileNames(
    tree.reports.map(({entity}) => named(entity, keys.reports.get(entity.id))),
    'report'
  )
  for (const normalized of tree.reports) {
    const {entity, decisionXml} = normalized
    const base = `${REPORT_DIR}/${reportNames.get(entity.id)}`
    files.push({path: `${base}.json`, content: toCanonicalJson(entity), entity: normalized})
    if (decisionXml !== undefined)
      files.push({path: `${base}.dmn`, content: withNewline(decisionXml)})
    entries.push(entryFor(entity, `${base}.json`))
  }

  const dashboardNames = assignFileNames(
    tree.dashboards.map(({entity}) => named(entity, keys.dashboards.get(entity.id))),
    'dashboard'
  )
  for (const normalized of tree.dashboards) {
    const {entity} = normalized
    const base = `${DASHBOARD_DIR}/${dashboardNames.get(entity.id)}`
    files.push({path: `${base}.json`, content: toCanonicalJson(entity), entity: normalized})
    for (const extra of extras?.(entity, reportsById) ?? []) {
      files.push({path: `${base}.${extra.extension}`, content: extra.content})
    }
    entries.push(entryFor(entity, `${base}.json`))
  }

  if (collection) files.push({path: COLLECTION_FILE, content: toCanonicalJson(collection)})
  files.sort((a, b) => compareStrings(a.path, b.path))
  const manifest: Manifest = {
    formatVersion: MANIFEST_FORMAT_VERSION,
    entities: entries.sort((a, b) => compareStrings(a.file, b.file)),
    files: files.map(f => f.path)
  }
  files.push({path: MANIFEST_FILE, content: toCanonicalJson(manifest)})
  return files
}

function entryFor(entity: Entity, file: string): ManifestEntry {
  return {id: entity.id, type: entity.exportEntityType, name: entity.name, file}
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`
}
