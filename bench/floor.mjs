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
// At most `concurrency` requests at once, as the action. Prints `{entities}` or `{records}`.
import {open} from 'node:fs/promises'

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
  return {entities: entities.length}
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
