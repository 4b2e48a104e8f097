/**
 * The emulator for `npm run bench`, in its own process so that the measured
 * processes share no thread with it:
 *
 *   node --import tsx bench/emulator.ts '{"dashboards":200,"reports":10,"target":"production"}'
 *
 * - `dashboards` × `reports`: generated into `collection` (default `bench`)
 *   (emulator/generator.ts: 10–50 KB of BPMN per process definition);
 * - `target`: a second, empty collection with every definition in its scope,
 *   so that the action can import into it;
 * - `rawRows`: a raw-data report with that many rows.
 *
 * The first stdout line is `{url, token, rawReportId}`. Each `requests` line
 * on stdin is answered with the number of requests served since the last one.
 */
import {createInterface} from 'node:readline'
import {startEmulator} from '../emulator/index.js'

interface Options {
  collection?: string
  dashboards?: number
  reports?: number
  target?: string
  rawRows?: number
}

const RAW_REPORT_ID = '00000000-0000-4000-8000-00000000b001'

const options = JSON.parse(process.argv[2] ?? '{}') as Options
const emulator = await startEmulator({idSeed: 1})
const {state} = emulator
if (options.dashboards) {
  state.generate({
    collectionId: options.collection ?? 'bench',
    dashboards: options.dashboards,
    reportsPerDashboard: options.reports ?? 10,
    seed: 1
  })
}
if (options.target) {
  state.addCollection({id: options.target, name: 'Production'})
  for (const d of state.definitions.values())
    state.addToScope(options.target, d.type, d.key, d.tenants)
}
if (options.rawRows) {
  state.putEntity(
    {
      id: RAW_REPORT_ID,
      exportEntityType: 'single_process_report',
      name: 'Benchmark instance list',
      data: {
        definitions: [{key: 'invoice', versions: ['all'], tenantIds: [null]}],
        view: {entity: null, properties: ['rawData']},
        groupBy: {type: 'none', value: null},
        visualization: 'table'
      }
    },
    null
  )
  state.setRawData(RAW_REPORT_ID, {rows: options.rawRows, seed: 7})
}

const {url, token} = emulator
process.stdout.write(`${JSON.stringify({url, token, rawReportId: RAW_REPORT_ID})}\n`)
createInterface({input: process.stdin}).on('line', line => {
  if (line.trim() !== 'requests') return
  process.stdout.write(`${emulator.requests.count()}\n`)
  emulator.requests.clear()
})
process.once('SIGTERM', () => void emulator.close().then(() => process.exit(0)))
