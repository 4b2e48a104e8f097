import {readFile, rename, symlink, truncate, writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import {describe, expect, it} from 'vitest'
import {CommandFailedError} from '../../src/command.js'
import type {Report} from '../../src/optimize/schemas.js'
import {runValidate} from '../../src/validate.js'
import {MAX_ENTITY_FILE_BYTES} from '../../src/entities/json-document.js'
import {readEntityTree} from '../../src/workspace/read.js'
import {templateExport} from '../helpers/fixtures.js'
import {recordingIo, type RecordingIo} from '../helpers/io.js'
import {
  TREE,
  dashboard,
  editJson,
  offlineSettings,
  processReport,
  uuid,
  writeTree
} from './helpers.js'

async function validate(workspace: string): Promise<{io: RecordingIo; error?: CommandFailedError}> {
  const io = recordingIo()
  try {
    await runValidate(offlineSettings(workspace), io)
    return {io}
  } catch (error) {
    if (!(error instanceof CommandFailedError)) throw error
    return {io, error}
  }
}

/** Two dashboards whose reports share names, plus one standalone report. */
function sample(): ReturnType<typeof processReport | typeof dashboard>[] {
  return [
    processReport(1, 'Cycle time'),
    processReport(2, 'Cycle time', {visualization: 'bar'}),
    processReport(3, 'Open incidents'),
    processReport(4, 'Backlog'),
    dashboard(10, 'Operations', [uuid(1), uuid(3)]),
    dashboard(11, 'Finance', [uuid(2)])
  ]
}

describe('validate', () => {
  it('passes the real Optimize export and reports on dashboards that share names', async () => {
    const template = await validate(await writeTree(templateExport()))
    expect(template.error).toBeUndefined()
    expect(template.io.errors).toEqual([])

    const shared = await validate(await writeTree(sample()))
    expect(shared.error).toBeUndefined()
    expect(shared.io.errors).toEqual([])
  })

  it('reports bad JSON with its line, as an annotation relative to the workspace', async () => {
    const workspace = await writeTree(sample())
    await writeFile(
      path.join(workspace, TREE, 'reports/backlog.json'),
      '{\n  "id": "x",\n  "name": "Backlog",,\n}\n'
    )
    const {io, error} = await validate(workspace)
    expect(error?.message).toMatch(/problem/)
    const annotation = io.errors.find(e => e.where?.file === `${TREE}/reports/backlog.json`)
    expect(annotation?.message).toMatch(/invalid JSON/)
    expect(annotation?.where?.line).toBe(3)
    expect(error?.result?.summary).toContain(`${TREE}/reports/backlog.json`)
  })

  it('reports a duplicate key, which JSON.parse would hide, with its line', async () => {
    const workspace = await writeTree(sample())
    await writeFile(
      path.join(workspace, TREE, 'reports/backlog.json'),
      (await readFile(path.join(workspace, TREE, 'reports/backlog.json'), 'utf8')).replace(
        '"name": "Backlog",',
        '"name": "Backlog",\n  "name": "Other",'
      )
    )
    const {io, error} = await validate(workspace)
    expect(error).toBeDefined()
    const annotation = io.errors.find(e => e.where?.file === `${TREE}/reports/backlog.json`)
    expect(annotation?.message).toBe('duplicate key "name"')
    expect(annotation?.where?.line).toBeGreaterThan(1)
  })

  it('reports a tile that points at a report that is not in the folder', async () => {
    const workspace = await writeTree(sample())
    await editJson(workspace, 'dashboards/finance.json', value => {
      ;(value.tiles as {id: string}[])[1].id = uuid(99)
    })
    const {io, error} = await validate(workspace)
    expect(error).toBeDefined()
    const annotation = io.errors.find(e => e.where?.file === `${TREE}/dashboards/finance.json`)
    expect(annotation?.message).toContain(uuid(99))
    expect(annotation?.where?.line).toBeGreaterThan(1)
  })

  it('reports duplicate dashboard names and duplicate standalone report names', async () => {
    const workspace = await writeTree([
      ...sample(),
      dashboard(12, 'Operations', [uuid(4)]),
      processReport(5, 'Lonely'),
      processReport(6, 'Lonely', {visualization: 'table'})
    ])
    const {io, error} = await validate(workspace)
    expect(error).toBeDefined()
    const messages = io.errors.map(e => `${e.where?.file}:${e.where?.line} ${e.message}`)
    expect(messages.filter(m => m.includes("dashboard name 'Operations'"))).toHaveLength(2)
    expect(
      messages.filter(m => m.includes("standalone report (on no dashboard) name 'Lonely'"))
    ).toHaveLength(2)
    // Reports on dashboards may share names.
    expect(messages.some(m => m.includes('Cycle time'))).toBe(false)
  })

  it('refuses an empty description, instant-preview and management entities', async () => {
    const workspace = await writeTree(sample())
    await editJson(workspace, 'reports/backlog.json', value => {
      value.description = ''
    })
    await editJson(workspace, 'dashboards/operations.json', value => {
      value.instantPreviewDashboard = true
    })
    await editJson(workspace, 'reports/open-incidents.json', value => {
      ;(value.data as Record<string, unknown>).managementReport = true
    })
    const {io, error} = await validate(workspace)
    expect(error).toBeDefined()
    const byFile = (file: string): string[] =>
      io.errors.filter(e => e.where?.file === `${TREE}/${file}`).map(e => e.message)
    expect(byFile('reports/backlog.json')).toEqual([expect.stringMatching(/description is empty/)])
    expect(byFile('dashboards/operations.json')).toEqual([expect.stringMatching(/instant-preview/)])
    expect(byFile('reports/open-incidents.json')).toEqual([
      expect.stringMatching(/management report/)
    ])
  })

  it('reports mixed and unknown index versions', async () => {
    const workspace = await writeTree(sample())
    await editJson(workspace, 'reports/backlog.json', value => {
      value.sourceIndexVersion = 10
    })
    await editJson(workspace, 'dashboards/finance.json', value => {
      value.sourceIndexVersion = 4
    })
    const {io, error} = await validate(workspace)
    expect(error).toBeDefined()
    const backlog = io.errors.filter(e => e.where?.file === `${TREE}/reports/backlog.json`)
    expect(backlog.map(e => e.message)).toEqual([
      expect.stringMatching(
        /sourceIndexVersion 10 differs from the other process reports \(11 in 3 files\)/
      )
    ])
    const finance = io.errors.filter(e => e.where?.file === `${TREE}/dashboards/finance.json`)
    expect(finance.map(e => e.message).join('\n')).toMatch(
      /4 is not one Optimize uses for dashboards \(known: 8, 7, 6, 5\)/
    )
  })

  it('refuses an entity file that is a symbolic link, or larger than the limit', async () => {
    const workspace = await writeTree(sample())
    const reports = path.join(workspace, TREE, 'reports')
    await rename(path.join(reports, 'backlog.json'), path.join(workspace, 'backlog.json'))
    await symlink(path.join(workspace, 'backlog.json'), path.join(reports, 'backlog.json'))
    await truncate(path.join(reports, 'open-incidents.json'), MAX_ENTITY_FILE_BYTES + 1)
    const {io, error} = await validate(workspace)
    expect(error).toBeDefined()
    const byFile = (file: string): string[] =>
      io.errors.filter(e => e.where?.file === `${TREE}/${file}`).map(e => e.message)
    expect(byFile('reports/backlog.json')).toEqual([
      'is a symbolic link; entity files must be regular files'
    ])
    expect(byFile('reports/open-incidents.json')).toEqual([
      `is ${MAX_ENTITY_FILE_BYTES + 1} bytes; entity files may have at most ${MAX_ENTITY_FILE_BYTES} bytes`
    ])
  })

  it('reads the DMN XML of a decision report from the file beside it, when there is one', async () => {
    const decision = (n: number, name: string, xml?: string): Report => ({
      ...processReport(n, name),
      exportEntityType: 'single_decision_report',
      data: {...processReport(n, name).data, configuration: xml === undefined ? {} : {xml}}
    })
    const workspace = await writeTree([
      ...sample(),
      decision(20, 'Approval', '<definitions id="approval"/>'),
      decision(21, 'Routing')
    ])
    const loaded = await readEntityTree(path.join(workspace, TREE))
    const xml = new Map(loaded.files.map(f => [f.entity.name, f.decisionXml]))
    expect(xml.get('Approval')).toBe('<definitions id="approval"/>\n')
    expect(xml.has('Routing')).toBe(true)
    expect(xml.get('Routing')).toBeUndefined()
    expect(loaded.problems).toEqual([])
  })

  it('reports a schema error at the line of the field', async () => {
    const workspace = await writeTree(sample())
    await editJson(workspace, 'dashboards/finance.json', value => {
      value.tiles = 'nope'
    })
    const {io} = await validate(workspace)
    const annotation = io.errors.find(e => e.where?.file === `${TREE}/dashboards/finance.json`)
    expect(annotation?.message).toMatch(/tiles/)
    expect(annotation?.where?.line).toBeGreaterThan(1)
  })
})
