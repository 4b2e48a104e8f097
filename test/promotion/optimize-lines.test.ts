/**
 * The tool on each Optimize line the emulator reproduces (emulator/README.md
 * cites the source of each behaviour): what a real installation of that line
 * does to an export and an import.
 */
import {afterEach, describe, expect, it} from 'vitest'
import type {Emulator} from '../../emulator/index.js'
import {CommandFailedError} from '../../src/command.js'
import {runImport} from '../../src/import.js'
import {recordingIo} from '../helpers/io.js'
import {TARGET_COLLECTION, devWorkspace, targetFor, targetSettings} from './helpers.js'

const running: Emulator[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map(async emu => emu.close()))
})

describe('Optimize 8.6-8.8 without the fix of camunda/camunda#36419', () => {
  it('an import it cannot read is named as that defect, and nothing is written', async () => {
    const {workspace, dev} = await devWorkspace({dashboards: 2, reportsPerDashboard: 2})
    const target = await targetFor(dev, {profile: '8.6-8.8-unpatched'})
    running.push(dev, target)
    const error = await runImport(
      targetSettings(target, workspace, {command: 'import'}),
      recordingIo()
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CommandFailedError)
    expect(String(error)).toMatch(/camunda\/camunda#36419/)
    expect(String(error)).toMatch(/pull request #36420/)
    expect(target.state.listDashboards(TARGET_COLLECTION)).toEqual([])
    expect(target.state.listReports(TARGET_COLLECTION)).toEqual([])
  })
})
