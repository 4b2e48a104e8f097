// Emulator benchmark: batch export of 2,000 reports and raw-data serving rate.
// Run: npx tsx bench/emulator.ts
import {pathToFileURL} from 'node:url'
import {startEmulator} from '../emulator/index.js'

export interface EmulatorBenchResult {
  exportReports: number
  exportBytes: number
  exportMs: number
  rawRows: number
  rawMs: number
  rawRowsPerSecond: number
}

export async function runEmulatorBench(): Promise<EmulatorBenchResult> {
  const emulator = await startEmulator({idSeed: 1})
  try {
    const headers = {authorization: `Bearer ${emulator.token}`, 'content-type': 'application/json'}
    // 200 dashboards × 10 reports (+ a few combined): realistic blobs with 10–50 KB BPMN xml.
    const {reportIds} = emulator.state.generate({
      collectionId: 'bench',
      dashboards: 200,
      reportsPerDashboard: 10,
      seed: 1
    })
    const ids = reportIds.slice(0, 2000)
    // Warm-up so the figure is the steady-state cost, not JIT compilation.
    await (
      await fetch(`${emulator.url}/api/public/export/report/definition/json`, {
        method: 'POST',
        headers,
        body: JSON.stringify(ids)
      })
    ).arrayBuffer()
    const t0 = performance.now()
    const res = await fetch(`${emulator.url}/api/public/export/report/definition/json`, {
      method: 'POST',
      headers,
      body: JSON.stringify(ids)
    })
    // Time to the last byte; decoding/parsing is the client's cost, not the emulator's.
    const bytes = await res.arrayBuffer()
    const exportMs = performance.now() - t0
    if (res.status !== 200) throw new Error(`export failed: ${res.status}`)

    const rawId = reportIds[0]
    emulator.state.updateReport(rawId, report => {
      const data = report.data as Record<string, unknown>
      data.view = {entity: null, properties: ['rawData']}
      data.groupBy = {type: 'none', value: null}
      data.visualization = 'table'
    })
    const rawRows = 200_000
    emulator.state.setRawData(rawId, {rows: rawRows, seed: 1})
    const base = `${emulator.url}/api/public/export/report/${rawId}/result/json`
    const t1 = performance.now()
    let received = 0
    // The client and the emulator share this process: read the page header fields with a regex
    // instead of JSON.parse so that the figure measures serving, not the client's parsing.
    const head = async (url: string): Promise<{id: string; count: number}> => {
      const text = await (await fetch(url, {headers})).text()
      const match = /^\{"searchRequestId":"([^"]+)","numberOfRecordsInResponse":(\d+)/.exec(text)
      if (!match) throw new Error(`unexpected page: ${text.slice(0, 200)}`)
      return {id: match[1], count: Number(match[2])}
    }
    let page = await head(`${base}?limit=10000`)
    while (page.count > 0) {
      received += page.count
      page = await head(`${base}?searchRequestId=${page.id}`)
    }
    const rawMs = performance.now() - t1
    if (received !== rawRows) throw new Error(`expected ${rawRows} rows, got ${received}`)
    return {
      exportReports: ids.length,
      exportBytes: bytes.byteLength,
      exportMs: Math.round(exportMs),
      rawRows,
      rawMs: Math.round(rawMs),
      rawRowsPerSecond: Math.round((rawRows / rawMs) * 1000)
    }
  } finally {
    await emulator.close()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await runEmulatorBench()
  console.log(JSON.stringify(result, null, 2))
}
