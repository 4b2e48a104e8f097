/**
 * Export's helper thread: it writes each entity's canonical JSON, the
 * costliest step of an export, on a second core, while the main thread
 * receives, decodes and checks the rest of the batches (README "Performance").
 *
 * The thread runs this file on its own: its own small bundle
 * (dist/export-worker/index.js, 40 KB, which starts in a fraction of the time
 * the whole action's bundle would take) or, from
 * the TypeScript sources (tests, `npm run cli`), this module through tsx. It
 * imports nothing heavy on purpose. If it cannot start or fails, the work is
 * done on the main thread, with the same function and the same result.
 */
import {existsSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {isMainThread, parentPort, Worker, workerData} from 'node:worker_threads'
import {toCanonicalJson} from './entities/canonical-json.js'
import {normalizeEntity} from './entities/normalize.js'
import type {Entity} from './optimize/schemas.js'

/** What the helper thread is started with (`workerData.role`), so the file knows it is one. */
export const WORKER_ROLE = 'optimize-as-code: export worker'

/** One entity's canonical JSON, or the error that normalizing it met. */
export type Serialized = {text: string} | {error: string}

/**
 * The canonical JSON of the normalized entity whose JSON text is `json`.
 * Pure. The main thread has checked the same entity against the schemas.
 */
export function serializeEntity(json: string): Serialized {
  try {
    // The schemas' copy, which the main thread works with, has no `__proto__`
    // keys (assigning one sets a prototype): neither may the file.
    const value: unknown = MAYBE_PROTO.test(json)
      ? JSON.parse(json, withoutProto)
      : JSON.parse(json)
    return {text: toCanonicalJson(normalizeEntity(value as Entity).entity)}
  } catch (error) {
    return {error: String(error)}
  }
}

/** `__proto__` as it is, or with one of its characters escaped. */
const MAYBE_PROTO = /__proto__|\\u00(?:5[fF]|6[fF]|7[024])/

function withoutProto(key: string, value: unknown): unknown {
  return key === '__proto__' ? undefined : value
}

interface Request {
  id: number
  texts: string[]
}

interface Answer {
  id: number
  results: Serialized[]
}

if (!isMainThread && (workerData as {role?: unknown})?.role === WORKER_ROLE && parentPort) {
  const port = parentPort
  port.on('message', ({id, texts}: Request) => {
    port.postMessage({id, results: texts.map(serializeEntity)} satisfies Answer)
  })
}

interface Pending {
  texts: string[]
  resolve: (results: Serialized[]) => void
}

/** The main thread's side: entities in, canonical JSON out, in the helper thread when it runs. */
export class ExportWorker {
  #worker: Worker | undefined
  #nextId = 0
  readonly #pending = new Map<number, Pending>()
  /** Texts handed in since the last message: one message for all that arrived in one turn of the event loop. */
  #queue: {text: string; resolve: (result: Serialized) => void}[] = []

  private constructor(worker: Worker | undefined) {
    this.#worker = worker
    worker?.on('message', ({id, results}: Answer) => {
      this.#pending.get(id)?.resolve(results)
      this.#pending.delete(id)
      // Idle, the thread keeps no process alive.
      if (this.#pending.size === 0) this.#worker?.unref()
    })
    worker?.on('error', () => this.#fallBack())
    worker?.on('exit', () => this.#fallBack())
    worker?.unref()
  }

  /**
   * The process's helper thread, started on first use (or, when threads
   * cannot start, a stand-in that works on the main thread). It lives as long
   * as the process, idle between exports.
   */
  static shared(): ExportWorker {
    shared ??= ExportWorker.create()
    return shared
  }

  /** A helper thread of its own, from `start` (the tests' way to make one fail). */
  static create(start: () => Worker = spawn): ExportWorker {
    try {
      return new ExportWorker(start())
    } catch {
      return new ExportWorker(undefined)
    }
  }

  /** Whether the work goes to the helper thread (false: it is done on the main thread). */
  get threaded(): boolean {
    return this.#worker !== undefined
  }

  /** Stops the helper thread; what it still owed is done on the main thread. */
  async close(): Promise<void> {
    const worker = this.#worker
    this.#fallBack()
    await worker?.terminate()
  }

  /** The canonical JSON of the entity whose JSON text is `json`. */
  async serialize(json: string): Promise<Serialized> {
    if (!this.#worker) return serializeEntity(json)
    return new Promise(resolve => {
      if (this.#queue.length === 0) setImmediate(() => this.#flush())
      this.#queue.push({text: json, resolve})
    })
  }

  #flush(): void {
    const queue = this.#queue
    this.#queue = []
    const texts = queue.map(item => item.text)
    const resolve = (results: Serialized[]): void => {
      queue.forEach((item, i) => item.resolve(results[i]))
    }
    if (!this.#worker) {
      resolve(texts.map(serializeEntity))
      return
    }
    const id = this.#nextId++
    this.#pending.set(id, {texts, resolve})
    this.#worker.ref()
    this.#worker.postMessage({id, texts} satisfies Request)
  }

  /** The thread failed or ended: what it still owed is done here, and all that follows. */
  #fallBack(): void {
    if (!this.#worker) return
    this.#worker.removeAllListeners('message')
    this.#worker = undefined
    for (const {texts, resolve} of this.#pending.values()) resolve(texts.map(serializeEntity))
    this.#pending.clear()
    this.#flush()
  }
}

let shared: ExportWorker | undefined

function spawn(): Worker {
  const self = new URL(import.meta.url)
  const options = {workerData: {role: WORKER_ROLE}}
  if (!self.pathname.endsWith('.ts')) {
    // Bundled: dist/index.js and dist/cli/index.js find the worker's bundle beside or above them.
    const bundle = ['./export-worker/index.js', '../export-worker/index.js']
      .map(relative => fileURLToPath(new URL(relative, self)))
      .find(file => existsSync(file))
    if (!bundle) throw new Error('the export worker bundle is missing')
    return new Worker(bundle, options)
  }
  // From the TypeScript sources: through tsx, which the project's development dependencies have.
  const href = JSON.stringify(self.href)
  return new Worker(`import('tsx/esm/api').then(({tsImport}) => tsImport(${href}, ${href}))`, {
    ...options,
    eval: true
  })
}
