import {afterEach, describe, expect, it} from 'vitest'
import {EmulatorState, startEngine, type Engine} from '../../emulator/index.js'

const running: Engine[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map(async engine => engine.close()))
})

/** 'invoice' in versions 1 and 2, deployed without a tenant and for 'eu'; 'risk' for 'eu' only. */
function state(): EmulatorState {
  const s = new EmulatorState(1)
  s.addDefinition({type: 'process', key: 'invoice', versions: ['1', '2'], tenants: [null, 'eu']})
  s.addDefinition({type: 'decision', key: 'risk', versions: ['3'], tenants: ['eu']})
  return s
}

async function engine(api: 'camunda7' | 'camunda8'): Promise<Engine> {
  const started = await startEngine(state(), api)
  running.push(started)
  return started
}

describe('the engine beside the emulator', () => {
  it('Camunda 7: GET …/process-definition?key= lists each version per tenant, null for none; unknown keys [] and paths 404', async () => {
    const c7 = await engine('camunda7')
    const list = async (path: string): Promise<{status: number; json: unknown}> => {
      const res = await fetch(`${c7.url}${path}`)
      return {status: res.status, json: await res.json()}
    }
    const invoice = await list('/process-definition?key=invoice')
    expect(invoice.status).toBe(200)
    expect(
      (invoice.json as {key: string; version: number; tenantId: string | null}[]).map(d => [
        d.key,
        d.version,
        d.tenantId
      ])
    ).toEqual([
      ['invoice', 1, null],
      ['invoice', 1, 'eu'],
      ['invoice', 2, null],
      ['invoice', 2, 'eu']
    ])
    expect((await list('/decision-definition?key=risk')).json).toMatchObject([
      {key: 'risk', version: 3, tenantId: 'eu'}
    ])
    expect((await list('/process-definition?key=other')).json).toEqual([])
    expect((await list('/process-definitions/search')).status).toBe(404)
    expect(c7.requests[0]).toBe('GET /engine-rest/process-definition')
  })

  it('Camunda 8: POST /v2/…-definitions/search filters by id (a string or $eq), the default tenant is <default>', async () => {
    const c8 = await engine('camunda8')
    const search = async (what: string, filter: unknown): Promise<unknown> => {
      const res = await fetch(`${c8.url}/${what}-definitions/search`, {
        method: 'POST',
        headers: {'content-type': 'application/json'},
        body: JSON.stringify({filter, page: {limit: 1000}})
      })
      expect(res.status).toBe(200)
      return res.json()
    }
    expect(await search('process', {processDefinitionId: {$eq: 'invoice'}})).toEqual({
      items: [
        {processDefinitionId: 'invoice', name: 'invoice', version: 1, tenantId: '<default>'},
        {processDefinitionId: 'invoice', name: 'invoice', version: 1, tenantId: 'eu'},
        {processDefinitionId: 'invoice', name: 'invoice', version: 2, tenantId: '<default>'},
        {processDefinitionId: 'invoice', name: 'invoice', version: 2, tenantId: 'eu'}
      ],
      page: {totalItems: 4, hasMoreTotalItems: false}
    })
    expect(await search('decision', {decisionDefinitionId: 'risk'})).toMatchObject({
      items: [{decisionDefinitionId: 'risk', version: 3, tenantId: 'eu'}]
    })
    expect(await search('process', {processDefinitionId: 'other'})).toMatchObject({items: []})
    expect(
      (await fetch(`${c8.url.replace(/\/v2$/, '')}/engine-rest/process-definition`)).status
    ).toBe(404)
  })
})
