/**
 * Proxies in front of Optimize cap request bodies (ingress-nginx answers 413
 * above 1 MB unless told otherwise): import bounds each request by bytes as
 * well as by count, and explains a 413 with the input to lower.
 */
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {afterEach, describe, expect, it} from 'vitest'
import type {Emulator} from '../../emulator/index.js'
import {runImport} from '../../src/import.js'
import {recordingIo} from '../helpers/io.js'
import {TARGET_COLLECTION, devWorkspace, targetFor, targetSettings} from './helpers.js'

const LIMIT = 1024 * 1024
const running: Emulator[] = []
let proxy: Server | undefined
afterEach(async () => {
  await Promise.all(running.splice(0).map(async emu => emu.close()))
  await new Promise(resolve => (proxy ? proxy.close(resolve) : resolve(undefined)))
  proxy = undefined
})

/** A front door that refuses bodies over `limit` bytes as ingress-nginx does, and forwards the rest. */
async function bodyLimit(target: string, limit: number): Promise<{url: string; sizes: number[]}> {
  const sizes: number[] = []
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      if (req.method === 'POST') sizes.push(body.length)
      if (body.length > limit) {
        res.writeHead(413, {'content-type': 'text/html'})
        res.end('<html><head><title>413 Request Entity Too Large</title></head></html>')
        return
      }
      const headers = {...req.headers} as Record<string, string>
      delete headers.host
      delete headers['content-length']
      void fetch(`${target}${req.url}`, {
        method: req.method,
        headers,
        body: req.method === 'GET' ? undefined : body
      }).then(async answer => {
        res.writeHead(answer.status, {'content-type': answer.headers.get('content-type') ?? ''})
        res.end(Buffer.from(await answer.arrayBuffer()))
      })
    })
  })
  await new Promise<void>(resolve => proxy?.listen(0, '127.0.0.1', resolve))
  return {url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, sizes}
}

describe('import request size', () => {
  it('stays under a proxy body limit by splitting batches by bytes (batch-bytes)', async () => {
    // 80 dashboards of 6 reports: one import body of 100 units would be over 1 MB.
    const {workspace, dev} = await devWorkspace({dashboards: 80, reportsPerDashboard: 6})
    const target = await targetFor(dev)
    running.push(dev, target)
    const front = await bodyLimit(target.url, LIMIT)
    const settings = targetSettings(target, workspace, {command: 'import'})
    const viaProxy = {...settings, connection: {...settings.connection!, baseUrl: front.url}}

    const result = await runImport(viaProxy, recordingIo())

    const importSizes = front.sizes.filter(size => size > 100_000)
    expect(importSizes.length).toBeGreaterThan(1)
    expect(Math.max(...importSizes)).toBeLessThanOrEqual(900_000)
    expect(result.summary).toMatch(/imported and verified 80 /)
    expect(target.state.listDashboards(TARGET_COLLECTION)).toHaveLength(80)
  })

  it('explains a 413 with the input to lower, and writes nothing', async () => {
    const {workspace, dev} = await devWorkspace({dashboards: 30, reportsPerDashboard: 6})
    const target = await targetFor(dev)
    running.push(dev, target)
    const front = await bodyLimit(target.url, 200_000)
    const settings = targetSettings(target, workspace, {
      command: 'import',
      'batch-bytes': '100000000'
    })
    const viaProxy = {...settings, connection: {...settings.connection!, baseUrl: front.url}}

    const error = await runImport(viaProxy, recordingIo()).catch((e: unknown) => e)

    expect(String(error)).toMatch(/413/)
    expect(String(error)).toMatch(/Lower input 'batch-bytes' \(now 100000000\)/)
    expect(target.state.listDashboards(TARGET_COLLECTION)).toHaveLength(0)
    expect(target.state.listReports(TARGET_COLLECTION)).toHaveLength(0)
  })
})
