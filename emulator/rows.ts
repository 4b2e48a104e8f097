// Raw-data rows, generated on demand from (report id, seed, row index) so
// that a 1,000,000-row report never lives in memory. Rows are serialized by hand: all generated
// strings come from fixed safe alphabets, so no JSON escaping is needed and pages are built far
// faster than JSON.stringify would build them.
import {hashString, mix} from './random.js'

export interface RowSourceSpec {
  reportId: string
  seed: number
  kind: 'process' | 'decision'
  definitionKey: string
  version: string
  tenants: (string | null)[]
}

const REGIONS = ['"EU"', '"US"', '"APAC"', '"LATAM"']
const PRIORITIES = ['"low"', '"medium"', '"high"']
const CHANNELS = ['"web"', '"mobile"', '"branch"', '"partner"']
const BASE_TIME = Date.UTC(2024, 0, 1)

// Variable pool: which variables a row carries depends on bits of the row hash, so the keys of
// `variables` vary from row to row (as real process instances do).
const VARIABLES: ((h: number) => string)[] = [
  h => `"amount":${(h % 100000) / 100}`,
  h => `"region":${REGIONS[h % REGIONS.length]}`,
  h => `"approved":${(h & 1) === 1}`,
  h => `"priority":${PRIORITIES[h % PRIORITIES.length]}`,
  h => `"customerId":"C-${h % 1000000}"`,
  h => `"items":${h % 40}`,
  h => `"channel":${CHANNELS[h % CHANNELS.length]}`,
  h => `"riskScore":${(h % 1000) / 10}`
]

const PAD2 = Array.from({length: 60}, (_, i) => String(i).padStart(2, '0'))
const PAD3 = Array.from({length: 1000}, (_, i) => String(i).padStart(3, '0'))
let cachedDay = -1
let cachedPrefix = ''

/** yyyy-MM-dd'T'HH:mm:ss.SSSZ with +0000, never Z; the day prefix is cached. */
function date(ms: number): string {
  const day = Math.floor(ms / 86_400_000)
  if (day !== cachedDay) {
    cachedDay = day
    cachedPrefix = new Date(day * 86_400_000).toISOString().slice(0, 11)
  }
  let rest = ms - day * 86_400_000
  const milli = rest % 1000
  rest = (rest - milli) / 1000
  const sec = rest % 60
  rest = (rest - sec) / 60
  const min = rest % 60
  const hour = (rest - min) / 60
  return `${cachedPrefix}${PAD2[hour]}:${PAD2[min]}:${PAD2[sec]}.${PAD3[milli]}+0000`
}

export class RowSource {
  private readonly base: number
  private readonly definitionId: string
  private readonly tenantJson: string[]
  private readonly keyJson: string

  constructor(private readonly spec: RowSourceSpec) {
    this.base = mix(hashString(spec.reportId), spec.seed)
    this.definitionId = `${spec.definitionKey}:${spec.version}:${(this.base % 9000) + 1000}`
    this.tenantJson = (spec.tenants.length > 0 ? spec.tenants : [null]).map(t =>
      t === null ? 'null' : JSON.stringify(t)
    )
    this.keyJson = JSON.stringify(spec.definitionKey)
  }

  /** JSON text of rows [start, start + count), as a JSON array. */
  render(start: number, count: number): string {
    const parts: string[] = new Array<string>(count)
    for (let i = 0; i < count; i++) {
      parts[i] =
        this.spec.kind === 'process' ? this.processRow(start + i) : this.decisionRow(start + i)
    }
    return `[${parts.join(',')}]`
  }

  private processRow(index: number): string {
    const h = mix(this.base, index)
    const start = BASE_TIME + index * 60_000 + (h % 60_000)
    const duration = h % 3_600_000
    let vars = ''
    for (let v = 0; v < VARIABLES.length; v++) {
      if ((h >>> (v + 3)) & 1) vars += (vars ? ',' : '') + VARIABLES[v](mix(h, v))
    }
    const businessKey = h % 10 === 0 ? 'null' : `"BK-${index}"`
    return (
      `{"processDefinitionKey":${this.keyJson},"processDefinitionId":"${this.definitionId}",` +
      `"processInstanceId":"${2251799813685248 + index}","businessKey":${businessKey},` +
      `"startDate":"${date(start)}","endDate":"${date(start + duration)}","duration":${duration},` +
      `"engineName":"camunda-bpm","tenantId":${this.tenantJson[h % this.tenantJson.length]},"variables":{${vars}}}`
    )
  }

  private decisionRow(index: number): string {
    const h = mix(this.base, index)
    const amount = (h % 500000) / 100
    const result = amount < 1000 ? 'approve' : 'review'
    return (
      `{"decisionDefinitionKey":${this.keyJson},"decisionDefinitionId":"${this.definitionId}",` +
      `"decisionInstanceId":"${4503599627370496 + index}","processInstanceId":"${2251799813685248 + index}",` +
      `"evaluationDateTime":"${date(BASE_TIME + index * 60_000)}","engineName":"camunda-bpm",` +
      `"tenantId":${this.tenantJson[h % this.tenantJson.length]},` +
      `"inputVariables":{"Input_1":{"id":"Input_1","name":"Amount","type":"Double","value":${amount}}},` +
      `"outputVariables":{"Output_1":{"id":"Output_1","name":"Result","type":"String","values":["${result}"]}}}`
    )
  }
}
