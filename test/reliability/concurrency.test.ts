/**
 * `concurrency` bounds the requests in flight at the server, measured at the
 * server's door (a counting proxy), not inside the client: a 1,000-dashboard
 * collection must not flood a production Optimize.
 */
import {afterEach, describe, expect, it} from 'vitest'
import {startEmulator, type Emulator} from '../../emulator/index.js'
import {runCommand} from '../../src/main.js'
import {recordingIo} from '../helpers/io.js'
import {makeSettings} from '../helpers/settings.js'
import {tempDir} from '../helpers/temp.js'
import {startProxy, type CountingProxy} from './proxy.js'

const DASHBOARDS = 300

let emu: Emulator | undefined
let proxy: CountingProxy | undefined
afterEach(async () => {
  await proxy?.close()
  await emu?.close()
})

describe('concurrency', () => {
  it.each([1, 3])(
    'a %i-request limit holds while exporting a 300-dashboard collection',
    async concurrency => {
      emu = await startEmulator({idSeed: 2})
      emu.state.generate({
        collectionId: 'big',
        dashboards: DASHBOARDS,
        reportsPerDashboard: 1,
        seed: 4,
        xmlBytes: 500
      })
      // A little server time per batch, so requests overlap whenever the client lets them.
      emu.faults.add({route: 'exportDashboards', delayMs: 25, times: Infinity})
      proxy = await startProxy(emu.url)
      const workspace = await tempDir('oac-concurrency-')
      const io = recordingIo()
      const settings = makeSettings(
        {
          command: 'export',
          'optimize-url': proxy.url,
          'access-token': emu.token,
          'collection-id': 'big',
          commit: 'none',
          concurrency: String(concurrency),
          'batch-size': '10'
        },
        {workspace, io}
      )

      const result = await runCommand(settings, io)

      expect(result.summary).toContain(`Exported **${DASHBOARDS}** dashboards`)
      // Two listings, the collection (for collection.json) and 30 batches of 10, all through the proxy.
      expect(proxy.total).toBe(3 + DASHBOARDS / 10)
      expect(proxy.maxInFlight).toBeLessThanOrEqual(concurrency)
      // The limit is reached, so the measurement can see a breach.
      expect(proxy.maxInFlight).toBe(concurrency)
    }
  )
})
