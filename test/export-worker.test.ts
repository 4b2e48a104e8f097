import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {fileURLToPath} from 'node:url'
import {Worker} from 'node:worker_threads'
import {describe, expect, it} from 'vitest'
import {toCanonicalJson} from '../src/entities/canonical-json.js'
import {normalizeEntity} from '../src/entities/normalize.js'
import {ExportWorker, serializeEntity, WORKER_ROLE} from '../src/export-worker.js'
import {EntitySchema} from '../src/optimize/schemas.js'
import {templateExport} from './helpers/fixtures.js'

const ROOT = fileURLToPath(new URL('../', import.meta.url))

/** What the main thread would write for each entity of Optimize's own export file. */
function expectedTexts(): {json: string; text: string}[] {
  return templateExport().map(entity => ({
    json: JSON.stringify(entity),
    text: toCanonicalJson(normalizeEntity(EntitySchema.parse(entity)).entity)
  }))
}

describe('ExportWorker', () => {
  it('writes in the helper thread the canonical JSON the main thread would write', async () => {
    const worker = ExportWorker.shared()
    const cases = expectedTexts()
    const held: number[] = []
    const results = await Promise.all(cases.map(async ({json}) => worker.serialize(json, held)))
    expect(worker.threaded).toBe(true)
    // Each text is held by the thread under its key: the thread wrote it.
    expect(results).toEqual(cases.map(({text}, i) => ({text, held: held[i]})))
    worker.release(held)
  })

  it('writes here the texts not sent to the helper thread yet, which it then holds none of', async () => {
    const worker = ExportWorker.create()
    try {
      const cases = expectedTexts()
      const [first, ...rest] = cases
      const held: number[] = []
      // Sent: the first text, once the event loop has had a turn.
      const sent = worker.serialize(first.json, held)
      await new Promise(resolve => setImmediate(resolve))
      const queued = rest.map(async ({json}) => worker.serialize(json, held))
      expect(worker.serializeQueued()).toBe(rest.length)
      expect(worker.serializeQueued()).toBe(0)
      expect(await Promise.all(queued)).toEqual(rest.map(({text}) => ({text})))
      expect(await sent).toEqual({text: first.text, held: held[0]})
      // The thread holds the text it was sent, and none of the others.
      const dir = await mkdtemp(path.join(tmpdir(), 'oac-queued-'))
      const jobs = held.map((key, i) => ({
        file: path.join(dir, `${i}.json`),
        held: key,
        exclusive: true
      }))
      const report = await worker.writeHeld(jobs, new Int32Array(new SharedArrayBuffer(4)))
      expect(report.written).toEqual([0])
      expect(report.error?.message).toBe(`no text is held for ${jobs[1].file}`)
      expect(await readFile(jobs[0].file, 'utf8')).toBe(first.text)
      await rm(dir, {recursive: true})
    } finally {
      await worker.close()
    }
  })

  it('does the work on the main thread when the helper thread fails', async () => {
    const worker = ExportWorker.create(
      () => new Worker('throw new Error("no thread today")', {eval: true})
    )
    const cases = expectedTexts()
    const results = await Promise.all(cases.map(async ({json}) => worker.serialize(json)))
    expect(results).toEqual(cases.map(({text}) => ({text})))
    expect(worker.threaded).toBe(false)
    expect(
      ExportWorker.create(() => {
        throw new Error('threads are off')
      }).threaded
    ).toBe(false)
  })

  it('works on the main thread once closed', async () => {
    const worker = ExportWorker.create()
    const [{json, text}] = expectedTexts()
    expect(await worker.serialize(json)).toEqual({text})
    expect(worker.threaded).toBe(true)
    await worker.close()
    expect(worker.threaded).toBe(false)
    expect(await worker.serialize(json)).toEqual({text})
  })

  it("leaves out `__proto__` keys, as the schemas' copy the main thread works with does", () => {
    const [report] = templateExport().filter(e => e.exportEntityType === 'single_process_report')
    for (const key of ['__proto__', '\\u005f_proto__', '__pr\\u006fto__']) {
      const json = JSON.stringify(report).replace(
        '"data":{',
        `"data":{"${key}":{"polluted":true},"view":{"${key}":1,"entity":"processInstance"},`
      )
      const mainThread = toCanonicalJson(
        normalizeEntity(EntitySchema.parse(JSON.parse(json))).entity
      )
      expect(serializeEntity(json)).toEqual({text: mainThread})
      expect(mainThread).not.toContain('__proto__')
      expect(mainThread).not.toContain('polluted')
    }
  })

  it('answers an entity that cannot be normalized with the error', () => {
    expect(serializeEntity('{"exportEntityType":"dashboard"}')).toEqual({
      error: expect.stringMatching(/TypeError/) as unknown
    })
  })

  it('runs from its own bundle, as the bundled action starts it', async () => {
    const bundle = path.join(ROOT, 'dist/export-worker/index.js')
    const thread = new Worker(bundle, {workerData: {role: WORKER_ROLE}})
    try {
      const cases = expectedTexts()
      thread.postMessage({id: 7, texts: cases.map(({json}) => json), keys: cases.map(() => null)})
      const answer = await new Promise((resolve, reject) => {
        thread.once('message', resolve)
        thread.once('error', reject)
      })
      expect(answer).toEqual({id: 7, results: cases.map(({text}) => ({text}))})
    } finally {
      await thread.terminate()
    }
  })
})
