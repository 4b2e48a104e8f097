/**
 * Export's helper thread: it writes each entity's canonical JSON, the
 * costliest step of an export, on a second core, while the main thread
 * receives, decodes and checks the rest of the batches (README "Performance").
 * It keeps the texts it wrote, so that, once the file names are known, it
 * writes the files too, alongside the main thread, which meanwhile writes
 * the change summary.
 *
 * The thread runs this file on its own: its own small bundle
 * (dist/export-worker/index.js, 45 KB, which starts in a fraction of the time
 * the whole action's bundle would take) or, from
 * the TypeScript sources (tests, `npm run cli`), this module through tsx. It
 * imports nothing heavy on purpose. If it cannot start or fails, the work is
 * done on the main thread, with the same function and the same result.
 */
import {existsSync, writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {isMainThread, parentPort, Worker, workerData} from 'node:worker_threads'
import {toCanonicalJson} from './entities/canonical-json.js'
import {normalizeEntity} from './entities/normalize.js'
import type {Entity} from './optimize/schemas.js'
import type {HeldWrite, WriteReport} from './workspace.js'

/** What the helper thread is started with (`workerData.role`), so the file knows it is one. */
export const WORKER_ROLE = 'optimize-as-code: export worker'

/**
 * One entity's canonical JSON, or the error that normalizing it met. `held`:
 * the helper thread keeps the text under this key, to write it into a file
 * later (ExportWorker.writeHeld) without the text being sent back to it.
 */
export type Serialized = {text: string; held?: number} | {error: string}

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

/** Texts to serialize (each kept under its key, if it has one), held files to write, or keys to forget. */
type Request =
  | {id: number; texts: string[]; keys: (number | null)[]}
  | {id: number; write: HeldWrite[]; next: Int32Array}
  | {release: number[]}

type Answer = {id: number; results: Serialized[]} | {id: number; report: WriteReport}

/**
 * Writes the jobs it claims from `next`, a counter shared with the main
 * thread, which claims from the same list: whichever thread is free takes
 * the next file. Stops at the first error.
 */
function writeClaimed(
  jobs: readonly HeldWrite[],
  next: Int32Array,
  textOf: (job: HeldWrite) => string | undefined
): WriteReport {
  const written: number[] = []
  for (let i = Atomics.add(next, 0, 1); i < jobs.length; i = Atomics.add(next, 0, 1)) {
    const job = jobs[i]
    const text = textOf(job)
    if (text === undefined) return {written, error: {message: `no text is held for ${job.file}`}}
    // Counted before the call: a write that fails may still have made the file.
    written.push(i)
    try {
      writeFileSync(job.file, text, {encoding: 'utf8', flag: job.exclusive ? 'wx' : 'w'})
    } catch (error) {
      const {message, code} = error as NodeJS.ErrnoException
      return {written, error: {message: String(message), code}}
    }
  }
  return {written}
}

if (!isMainThread && (workerData as {role?: unknown})?.role === WORKER_ROLE && parentPort) {
  const port = parentPort
  const held = new Map<number, string>()
  port.on('message', (request: Request) => {
    if ('release' in request) {
      for (const key of request.release) held.delete(key)
    } else if ('write' in request) {
      const report = writeClaimed(request.write, request.next, job => held.get(job.held))
      port.postMessage({id: request.id, report} satisfies Answer)
    } else {
      const results = request.texts.map(serializeEntity)
      results.forEach((result, i) => {
        const key = request.keys[i]
        if ('text' in result && key !== null) held.set(key, result.text)
      })
      port.postMessage({id: request.id, results} satisfies Answer)
    }
  })
}

/** A request on its way: how to settle it with the thread's answer, or without the thread. */
interface Pending {
  answer: (answer: Answer) => void
  /** The thread is gone before answering. */
  orphan: () => void
}

/** The main thread's side: entities in, canonical JSON out, in the helper thread when it runs. */
export class ExportWorker {
  #worker: Worker | undefined
  #nextId = 0
  #nextKey = 0
  readonly #pending = new Map<number, Pending>()
  /** Texts handed in since the last message: one message for all that arrived in one turn of the event loop. */
  #queue: Queued[] = []

  private constructor(worker: Worker | undefined) {
    this.#worker = worker
    worker?.on('message', (answer: Answer) => {
      const pending = this.#pending.get(answer.id)
      this.#pending.delete(answer.id)
      pending?.answer(answer)
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

  /**
   * The canonical JSON of the entity whose JSON text is `json`. With `held`,
   * the helper thread keeps the text for writeHeld, under a key it adds to
   * `held` (the caller's list of what to release).
   */
  async serialize(json: string, held?: number[]): Promise<Serialized> {
    if (!this.#worker) return serializeEntity(json)
    const key = held ? this.#nextKey++ : null
    if (key !== null) held?.push(key)
    return new Promise(resolve => {
      if (this.#queue.length === 0) setImmediate(() => this.#flush())
      this.#queue.push({text: json, key, resolve})
    })
  }

  /**
   * Writes files from texts the helper thread holds: the thread claims jobs
   * from `next` as the caller does (writeClaimed). Without a thread it writes
   * none; when the thread ends before answering, the report says it was lost.
   */
  async writeHeld(jobs: HeldWrite[], next: Int32Array): Promise<WriteReport> {
    const worker = this.#worker
    if (!worker) return {written: []}
    return new Promise(resolve => {
      const id = this.#nextId++
      this.#pending.set(id, {
        answer: answer => resolve('report' in answer ? answer.report : {written: [], lost: true}),
        orphan: () => resolve({written: [], lost: true})
      })
      worker.ref()
      worker.postMessage({id, write: jobs, next} satisfies Request)
    })
  }

  /**
   * Serializes here the texts not sent to the helper thread yet (those handed
   * in since the event loop's last turn): for a caller that would otherwise
   * wait for them, as export does for the last entities of its last batch.
   * The helper thread holds none of them (their results have no `held`).
   * Answers how many there were.
   */
  serializeQueued(): number {
    const queue = this.#queue
    this.#queue = []
    serializeHere(queue)
    return queue.length
  }

  /** Lets the helper thread forget the texts it holds under `keys`. */
  release(keys: readonly number[]): void {
    if (!this.#worker || keys.length === 0) return
    // Texts still queued go first, so that none is held after its release.
    this.#flush()
    this.#worker.postMessage({release: [...keys]} satisfies Request)
  }

  #flush(): void {
    const queue = this.#queue
    if (queue.length === 0) return
    this.#queue = []
    const worker = this.#worker
    if (!worker) {
      serializeHere(queue)
      return
    }
    const id = this.#nextId++
    this.#pending.set(id, {
      answer: answer => {
        if (!('results' in answer)) return
        answer.results.forEach((result, i) => {
          const {key, resolve} = queue[i]
          resolve('text' in result && key !== null ? {...result, held: key} : result)
        })
      },
      orphan: () => serializeHere(queue)
    })
    worker.ref()
    const texts = queue.map(item => item.text)
    const keys = queue.map(item => item.key)
    worker.postMessage({id, texts, keys} satisfies Request)
  }

  /** The thread failed or ended: what it still owed is done here, and all that follows. */
  #fallBack(): void {
    if (!this.#worker) return
    this.#worker.removeAllListeners('message')
    this.#worker = undefined
    const pending = [...this.#pending.values()]
    this.#pending.clear()
    for (const request of pending) request.orphan()
    this.#flush()
  }
}

/** A text waiting to be sent to the helper thread, with the key it is to be held under. */
interface Queued {
  text: string
  key: number | null
  resolve: (result: Serialized) => void
}

/** Serializes queued texts on this thread, as the helper thread would. */
function serializeHere(queue: readonly Queued[]): void {
  for (const {text, resolve} of queue) resolve(serializeEntity(text))
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
