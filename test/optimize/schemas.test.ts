import {describe, expect, it} from 'vitest'
import {z} from 'zod'
import {EntitySchema, type ProcessReport} from '../../src/optimize/schemas.js'
import {templateExport} from '../helpers/fixtures.js'

const processReport = (): ProcessReport =>
  structuredClone(
    templateExport().find(e => e.exportEntityType === 'single_process_report')
  ) as ProcessReport

describe('EntitySchema', () => {
  it('takes the fields it does not check as they are, without copying them', () => {
    const report = processReport()
    const parsed = EntitySchema.parse(report) as ProcessReport
    const {data} = report
    expect(parsed.data.configuration).toBe(data.configuration)
    expect(parsed.data.view).toBe(data.view)
    expect(parsed.data.groupBy).toBe(data.groupBy)
    expect(parsed.data.filter?.[0]).toBe(data.filter?.[0])
    expect(parsed).toEqual(report)
  })

  it('leaves out a `__proto__` key of those fields, as a copy field by field would', () => {
    const report = JSON.parse(
      JSON.stringify(processReport()).replace(
        '"configuration":{',
        '"configuration":{"__proto__":{"polluted":true},'
      )
    ) as ProcessReport
    expect(Object.hasOwn(report.data.configuration!, '__proto__')).toBe(true)
    const parsed = EntitySchema.parse(report) as ProcessReport
    const configuration = parsed.data.configuration!
    expect(Object.hasOwn(configuration, '__proto__')).toBe(false)
    expect(Object.getPrototypeOf(configuration)).toBe(Object.prototype)
    expect(Object.keys(configuration)).toEqual(
      Object.keys(report.data.configuration!).filter(key => key !== '__proto__')
    )
  })

  it('names the field that is not an object', () => {
    const report = processReport()
    const result = EntitySchema.safeParse({
      ...report,
      data: {...report.data, configuration: 'none', filter: [1]}
    })
    expect(result.success).toBe(false)
    const message = z.prettifyError(result.error!)
    expect(message).toContain(
      'Invalid input: expected object, received string\n  → at data.configuration'
    )
    expect(message).toContain(
      'Invalid input: expected object, received number\n  → at data.filter[0]'
    )
  })
})
