// Import step 11 (DashboardImportService.validateAllDashboardsOrFail): per dashboard, in file
// order, the description, then DashboardService.validateDashboardFilters; the first failure throws
// at once. Index mismatches are collected first but thrown only after every dashboard passed.
// A filter failure is wrapped as importFileInvalid "The provided file includes at least one
// dashboard with invalid filters. Error: <message>".
import {ApiError, fileInvalid, javaList, validationError} from './errors.js'
import {descriptionValid} from './import-validate.js'
import {indexName, type ProfileSpec} from './profiles.js'
import type {EmulatorState} from './state.js'
import {isReportReference} from './tiles.js'
import type {Json, JsonObject} from './types.js'
import {isObject} from './types.js'

const DTO_CLASS: Record<string, string> = {
  instanceStartDate: 'DashboardInstanceStartDateFilterDto',
  instanceEndDate: 'DashboardInstanceEndDateFilterDto',
  state: 'DashboardStateFilterDto',
  variable: 'DashboardVariableFilterDto',
  assignee: 'DashboardAssigneeFilterDto',
  candidateGroup: 'DashboardCandidateGroupFilterDto'
}

class FilterError extends Error {}

export function validateDashboards(
  state: EmulatorState,
  profile: ProfileSpec,
  dashboards: JsonObject[]
): void {
  const target = profile.versions.dashboard
  const mismatched = [...new Set(dashboards.map(d => d.sourceIndexVersion))].filter(
    v => v !== target
  )
  for (const dashboard of dashboards) {
    if (profile.descriptions) validateDescription(profile, dashboard.description)
    try {
      validateFilters(state, profile, dashboard)
    } catch (error) {
      if (!(error instanceof FilterError)) throw error
      throw fileInvalid(
        profile,
        `The provided file includes at least one dashboard with invalid filters. Error: ${error.message}`
      )
    }
  }
  if (mismatched.length > 0) {
    throw new ApiError(
      400,
      'importIndexVersionMismatch',
      'Could not import because source and target index versions do not match for at least one dashboard.',
      {
        mismatchingIndices: mismatched.map(v => ({
          indexName: indexName('dashboard', target),
          sourceIndexVersion: v,
          targetIndexVersion: target
        }))
      }
    )
  }
}

/** DashboardService.validateDashboardDescription: an OptimizeValidationException. */
function validateDescription(profile: ProfileSpec, description: Json | undefined): void {
  if (descriptionValid(description)) return
  const message =
    description === ''
      ? 'Dashboard descriptions cannot be non-null and empty'
      : 'Dashboard descriptions cannot be greater than 400 characters'
  throw validationError(profile, 'badRequestError', message)
}

/** DashboardService.validateDashboardFilters, in its order. */
function validateFilters(state: EmulatorState, profile: ProfileSpec, dashboard: JsonObject): void {
  const filters = (dashboard.availableFilters as JsonObject[]).filter(isObject)
  if (filters.length === 0) return
  const withoutData = filters.filter(f => f.data === null || f.data === undefined)
  if (withoutData.length > 0) {
    throw new FilterError(
      `All filters need to supply Filter data, but Filters ${javaList(withoutData.map(describe))} supplied no data field.`
    )
  }
  const byClass = new Map<string, JsonObject[]>()
  for (const filter of filters) {
    const cls = DTO_CLASS[String(filter.type)]
    byClass.set(cls, [...(byClass.get(cls) ?? []), filter])
  }
  for (const cls of [DTO_CLASS.instanceStartDate, DTO_CLASS.instanceEndDate, DTO_CLASS.state]) {
    const list = byClass.get(cls) ?? []
    if (list.length > 1) {
      throw new FilterError(
        `There can only be one ${cls}. ${cls} supplied: ${javaList(list.map(describe))}`
      )
    }
  }
  for (const cls of [DTO_CLASS.assignee, DTO_CLASS.candidateGroup]) {
    const list = byClass.get(cls) ?? []
    for (const [operator, word] of [
      ['in', 'including'],
      ['not in', 'excluding']
    ]) {
      const count = list.filter(f => isObject(f.data) && f.data.operator === operator).length
      if (count > 1) {
        throw new FilterError(
          `Duplicate identity filter: ${count} ${word} ${cls} present. There can only be one ${word} ${cls}.`
        )
      }
    }
  }
  const variables = byClass.get(DTO_CLASS.variable) ?? []
  for (const filter of variables) {
    const data = filter.data as JsonObject
    const type = String(data.type).toLowerCase()
    if ((type === 'date' || type === 'boolean') && data.data !== null && data.data !== undefined) {
      throw new FilterError(
        `Filter subdata cannot be supplied for ${String(data.type).toUpperCase()} variable filters`
      )
    }
  }
  if (profile.variableFilterCheck && variables.length > 0) {
    // Checked against the reports that exist in THIS Optimize under the file's original tile ids.
    const known = state.variablesOfReports(
      (dashboard.tiles as JsonObject[]).map(t => t.id).filter(isReportReference)
    )
    const invalid = variables.filter(f => {
      const data = f.data as JsonObject
      const types = known.get(String(data.name))
      return !types?.has(String(data.type).toLowerCase())
    })
    if (invalid.length > 0) {
      throw new FilterError(
        `The following variable filter names/types do not exist in any report in dashboard: [${javaList(invalid.map(describe))}]`
      )
    }
  }
}

/** A Lombok-style toString of a dashboard filter, as the messages above print them [inferred]. */
function describe(filter: JsonObject): string {
  const cls = DTO_CLASS[String(filter.type)]
  const data = filter.data
  if (!isObject(data)) return `${cls}(data=null)`
  if (filter.type === 'variable') {
    return `${cls}(data=DashboardVariableFilterDataDto(type=${String(data.type)}, name=${String(data.name)}, data=${JSON.stringify(data.data ?? null)}))`
  }
  return `${cls}(data=${JSON.stringify(data)})`
}
