/**
 * `npm run bench`: every benchmark, each as a ratio against a floor measured in
 * the same run (a bare `fetch` of the same payloads). Figures go to the README.
 * `npm run bench -- export` runs one of: emulator, export, export-data, plan.
 */
import {runEmulatorBench} from './emulator.js'
import {runExportDataBench} from './export-data.js'
import {formatExportBench, runExportBench} from './export.js'
import {runPlanBench} from './plan.js'

const benches: Record<string, () => Promise<string[]>> = {
  emulator: async () => {
    const f = await runEmulatorBench()
    return [
      `emulator: batch export of ${f.exportReports} reports (${(f.exportBytes / 1e6).toFixed(1)} MB) in ${f.exportMs.toFixed(0)} ms`,
      `  raw data: ${f.rawRows} rows in ${f.rawMs.toFixed(0)} ms = ${Math.round(f.rawRowsPerSecond)} rows/s (target ≥ 50,000)`
    ]
  },
  export: async () => formatExportBench(await runExportBench()),
  'export-data': async () => {
    const f = await runExportDataBench()
    return [
      `export-data ${f.exportData.rows} rows (limit ${f.limit}): ${Math.round(f.exportData.recordsPerSecond)} records/s vs bare paginated fetch ${Math.round(f.baseline.recordsPerSecond)} records/s = ${f.throughputRatio.toFixed(2)}× (target ≥ 0.8×)`,
      `  bundled CLI (node dist/cli/index.js): ${Math.round(f.bundle.recordsPerSecond)} records/s, peak RSS ${f.bundle.maxRssMb.toFixed(0)} MB at ${f.bundle.rows} rows, ${f.bundleSmall.maxRssMb.toFixed(0)} MB at ${f.bundleSmall.rows} rows (target ≤ 150 MB)`,
      `  under tsx: peak RSS ${f.exportData.maxRssMb.toFixed(0)} MB at ${f.exportData.rows} rows, ${f.exportDataSmall.maxRssMb.toFixed(0)} MB at ${f.exportDataSmall.rows} rows (tsx process floor ${f.idleRssMb.toFixed(0)} MB)`,
      `  memory held after GC: ${f.live.small.liveMb?.toFixed(1)} MB at ${f.live.small.rows} rows, ${f.live.big.liveMb?.toFixed(1)} MB at ${f.live.big.rows} rows`
    ]
  },
  plan: async () => {
    const f = await runPlanBench()
    return Object.entries(f).map(([key, value]) => `plan ${key}: ${JSON.stringify(value)}`)
  }
}

const selected = process.argv.slice(2)
for (const name of selected.length ? selected : Object.keys(benches)) {
  const bench = benches[name]
  if (!bench) throw new Error(`unknown benchmark '${name}': ${Object.keys(benches).join(', ')}`)
  console.log((await bench()).join('\n'))
}
