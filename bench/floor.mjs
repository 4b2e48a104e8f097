/* global process, fetch, URLSearchParams */
// The floor of a benchmark: the requests the action makes, with bare `fetch`
// and no dependencies, each body read whole and JSON.parse'd. Action time /
// floor time is what the tool costs on top of fetching and parsing.
//
//   node bench/floor.mjs '<JSON job>'
//
// - export: list the collection (or take `dashboardIds`), export the dashboards
//   in batches of `batchSize`, then the collection's reports no dashboard
//   brought; `plan` also asks for the collection itself, as the plan does.
// - export-data: page through the report's raw data by `searchRequestId` and
//   write the rows to `output` as NDJSON.
// - `files` (export and plan): the least work with files a tool of this kind
//   cannot skip, for the `floor+files` contender. `{write: dir}`: each entity
//   (process XML left out, as the action's files leave it out) written as
//   JSON with two-space indentation to a file of its own in `dir`, one after
//   the other. `{read: dir}`: every file under `dir` read (re-export compares
//   texts); with `parse: true` each JSON file also JSON.parse'd (plan checks
//   every file).
// At most `concurrency` requests at once, as the action. Prints `{entities}` or `{records}`.
import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {open} from 'node:fs/promises'
import {join} from 'node:path'

const job = JSON.parse(process.argv[2])
const headers = {authorization: `Bearer ${job.token}`, accept: 'application/json'}

async function get(path) {
  const response = await fetch(`${job.url}${path}`, {headers})
  const text = await response.text()
  if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${text}`)
  return JSON.parse(text)
}

async function post(path, body) {
  const response = await fetch(`${job.url}${path}`, {
    method: 'POST',
    headers: {...headers, 'content-type': 'application/json'},
    body: JSON.stringify(body)
  })
  const text = await response.text()
  if (response.status !== 200) throw new Error(`POST ${path}: ${response.status} ${text}`)
  return JSON.parse(text)
}

/** `fn` of each item, at most `job.concurrency` at once. */
async function pool(items, fn) {
  const results = []
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i])
    }
  }
  await Promise.all(Array.from({length: Math.min(job.concurrency, items.length)}, worker))
  return results
}

async function exportInBatches(kind, ids) {
  const batches = []
  for (let i = 0; i < ids.length; i += job.batchSize) batches.push(ids.slice(i, i + job.batchSize))
  const bodies = await pool(batches, batch =>
    post(`/api/public/export/${kind}/definition/json`, batch)
  )
  return bodies.flat()
}

async function exportEntities() {
  let dashboardIds = job.dashboardIds ?? []
  let reportIds = []
  if (job.collectionId) {
    const query = `?collectionId=${encodeURIComponent(job.collectionId)}`
    const lists = [get(`/api/public/dashboard${query}`), get(`/api/public/report${query}`)]
    if (job.mode === 'plan') lists.push(get(`/api/public/collection/${job.collectionId}`))
    const [dashboards, reports] = await Promise.all(lists)
    dashboardIds = dashboards.map(d => d.id)
    reportIds = reports.map(r => r.id)
  }
  const entities = dashboardIds.length ? await exportInBatches('dashboard', dashboardIds) : []
  const have = new Set(entities.map(e => e.id))
  const rest = reportIds.filter(id => !have.has(id))
  if (rest.length) entities.push(...(await exportInBatches('report', rest)))
  if (job.files?.write) writeFiles(entities, job.files.write)
  if (job.files?.read) readFiles(job.files.read, job.files.parse)
  return {entities: entities.length}
}

function writeFiles(entities, dir) {
  mkdirSync(dir, {recursive: true})
  for (const entity of entities) {
    if (entity.exportEntityType === 'single_process_report') delete entity.data?.configuration?.xml
    writeFileSync(join(dir, `${entity.id}.json`), `${JSON.stringify(entity, null, 2)}\n`, {
      flag: 'wx'
    })
  }
}

function readFiles(dir, parse) {
  for (const entry of readdirSync(dir, {recursive: true, withFileTypes: true})) {
    if (!entry.isFile()) continue
    const text = readFileSync(join(entry.parentPath, entry.name), 'utf8')
    if (parse && entry.name.endsWith('.json')) JSON.parse(text)
  }
}

async function exportData() {
  const file = await open(job.output, 'w')
  let records = 0
  let searchRequestId
  try {
    for (;;) {
      const query = new URLSearchParams({limit: job.limit, paginationTimeout: 120})
      if (searchRequestId) query.set('searchRequestId', searchRequestId)
      const page = await get(`/api/public/export/report/${job.reportId}/result/json?${query}`)
      if (page.data.length)
        await file.write(`${page.data.map(r => JSON.stringify(r)).join('\n')}\n`)
      records += page.data.length
      searchRequestId = page.searchRequestId
      if (page.data.length === 0 || records >= page.totalNumberOfRecords) break
    }
  } finally {
    await file.close()
  }
  return {records}
}

const result = job.mode === 'export-data' ? await exportData() : await exportEntities()
process.stdout.write(`${JSON.stringify(result)}\n`)
