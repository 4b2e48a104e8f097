/**
 * Entity names are data, not input: whatever people call a dashboard or a
 * report is exported exactly, under a file name that is safe on Linux, macOS
 * and Windows. Nothing is written outside the exported folder.
 */
import {afterEach, describe, expect, it} from 'vitest'
import {startEmulator, type Emulator} from '../../emulator/index.js'
import {runCommand} from '../../src/main.js'
import {recordingIo} from '../helpers/io.js'
import {makeSettings} from '../helpers/settings.js'
import {tempDir} from '../helpers/temp.js'
import {snapshot} from './helpers.js'

/** Names that break naive file naming, each a real-world accident or attack. */
export const HOSTILE_NAMES = [
  'Sales/Marketing KPIs',
  '../../../etc/passwd',
  '..',
  '.',
  'C:\\Windows\\System32',
  'back\\slash',
  'tab\there\nnewline\rcarriage\u0000nul\u0007bell\u001bescape',
  'invoice\u202Egpj.exe', // right-to-left override: shows as "invoiceexe.jpg"
  '\u2066isolated\u2069 \u200Bzero-width',
  'CON',
  'con',
  'nul.txt',
  'COM1',
  'lpt9',
  'Aux',
  'Revenue',
  'REVENUE',
  '???',
  '📈 Growth 📉',
  'Ärger über Straße',
  'Long name '.repeat(1000) // 10,000 characters
]

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i
const MAX_FILE_NAME = 80

let emu: Emulator | undefined
afterEach(async () => {
  await emu?.close()
  emu = undefined
})

describe('entity names are exported faithfully under safe file names', () => {
  it('exports dashboards and reports with hostile names exactly, under [a-z0-9-] file names', async () => {
    emu = await startEmulator({idSeed: 3})
    const {dashboardIds} = emu.state.generate({
      collectionId: 'names',
      dashboards: HOSTILE_NAMES.length,
      reportsPerDashboard: 1,
      seed: 9
    })
    const reports = emu.state.listReports('names')
    HOSTILE_NAMES.forEach((name, i) => {
      emu!.state.updateDashboard(dashboardIds[i], d => void (d.name = name))
      emu!.state.updateReport(String(reports[i].id), r => void (r.name = name))
    })
    const workspace = await tempDir('oac-names-')
    const io = recordingIo()
    const settings = makeSettings(
      {
        command: 'export',
        'optimize-url': emu.url,
        'access-token': emu.token,
        'collection-id': 'names',
        commit: 'none'
      },
      {workspace, io}
    )

    await runCommand(settings, io)

    const files = await snapshot(workspace)
    const paths = Object.keys(files)
    // Nothing outside optimize/, no folders but the two the layout has.
    for (const file of paths)
      expect(file).toMatch(
        /^optimize\/((dashboards|reports)\/[^/]+|optimize-as-code\.json|collection\.json)$/
      )
    const names = paths.map(file => file.split('/').at(-1)!)
    for (const name of names.filter(n => n !== 'optimize-as-code.json')) {
      const [base, extension] = name.split('.')
      expect(name, name).toMatch(/^[a-z0-9-]+\.(json|svg|dmn)$/)
      expect(name.length, name).toBeLessThanOrEqual(MAX_FILE_NAME)
      expect(base, name).not.toMatch(WINDOWS_RESERVED)
      expect(extension).toBeDefined()
    }
    for (const folder of ['dashboards', 'reports']) {
      const inFolder = paths
        .filter(p => p.startsWith(`optimize/${folder}/`))
        .map(p => p.toLowerCase())
      expect(new Set(inFolder).size, `${folder}: unique ignoring case`).toBe(inFolder.length)
    }

    // The names themselves are kept exactly, control and bidi characters included.
    const exported = (folder: string): string[] =>
      paths
        .filter(p => p.startsWith(`optimize/${folder}/`) && p.endsWith('.json'))
        .map(p => (JSON.parse(files[p]) as {name: string}).name)
        .sort()
    expect(exported('dashboards')).toEqual([...HOSTILE_NAMES].sort())
    expect(exported('reports')).toEqual([...HOSTILE_NAMES].sort())
    const manifest = JSON.parse(files['optimize/optimize-as-code.json']) as {
      entities: {name: string}[]
    }
    expect(manifest.entities.map(e => e.name).sort()).toEqual(
      [...HOSTILE_NAMES, ...HOSTILE_NAMES].sort()
    )
  })
})
