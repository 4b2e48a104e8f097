// Optimize error bodies (ErrorResponseDto and its subclasses). errorMessage texts are verbatim
// from en.json `apiErrors` (camunda/camunda 093ee086); `reportDefinition: null` is always present
// (no NON_NULL). Sources per message: emulator/README.md.
import type {ProfileSpec} from './profiles.js'
import type {JsonObject, Reply} from './types.js'
import {json} from './types.js'

export const ERROR_MESSAGES = {
  importFileInvalid:
    'Import failed because the provided file was invalid. Only JSON files exported from Optimize can be imported.',
  importIndexVersionMismatch:
    'Import failed because the data structure of the imported entities do not match the current data structure. Please migrate the data in your source Optimize before exporting to ensure the Optimize Version matches.',
  importDefinitionDoesNotExist:
    "Import failed because the imported entity requires definitions that don't exist.",
  importDefinitionForbidden:
    'Import failed because you are not authorized to access some of the required definitions for the imported entity.',
  importDescriptionInvalid:
    'Import failed because the provided description was invalid. Must be null or not greater than 400 characters.',
  badRequestError: 'The server was unable to process the request.',
  notFoundError: 'The server could not find the requested resource.',
  serverError: 'An internal server error occurred.',
  forbiddenError: 'You are not authorized to perform the requested action.',
  notAuthorizedError: 'Could not authenticate you, please check your credentials.',
  nonDefinitionScopeCompliantConflict:
    'Could not apply action due to conflicts with the collection data source. The report definition is not defined in the data source.',
  nonTenantScopeCompliantConflict:
    'Could not apply action due to conflicts with the collection data source. The definition for the report is available in the data source yet at least one tenant defined in the report is not available in the data source.',
  // No en.json entry was found for this code: LocalizationService answers its fallback text.
  importNameInvalid: 'Failed to localize error message for code [importNameInvalid]',
  reportEvaluationError: 'Could not evaluate the report.',
  sharingNotAllowed: 'Could not share as this functionality is currently disabled.'
} as const

export type ErrorCode = keyof typeof ERROR_MESSAGES

/** Thrown by handlers; the server turns it into the matching ErrorResponseDto reply. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: ErrorCode,
    readonly detailedMessage: string,
    readonly extra: JsonObject = {}
  ) {
    super(detailedMessage)
  }

  body(): JsonObject {
    return {
      errorCode: this.errorCode,
      errorMessage: ERROR_MESSAGES[this.errorCode],
      detailedMessage: this.detailedMessage,
      reportDefinition: null,
      ...this.extra
    }
  }

  reply(): Reply {
    return json(this.status, this.body())
  }
}

export const badRequest = (message: string, extra?: JsonObject): ApiError =>
  new ApiError(400, 'badRequestError', message, extra)
export const notFound = (message: string): ApiError => new ApiError(404, 'notFoundError', message)
export const serverError = (message: string): ApiError => new ApiError(500, 'serverError', message)

/**
 * An OptimizeValidationException (`badRequestError`) or one of its subclasses without a handler of
 * its own (`importFileInvalid`): 400 with its code, except in the Spring builds where it reaches
 * GenericExceptionMapper's catch-all and answers 500 `serverError` with the same detailedMessage.
 */
export function validationError(
  profile: ProfileSpec,
  code: 'badRequestError' | 'importFileInvalid',
  message: string
): ApiError {
  return profile.validationAs500 ? serverError(message) : new ApiError(400, code, message)
}

export const fileInvalid = (profile: ProfileSpec, message: string): ApiError =>
  validationError(profile, 'importFileInvalid', message)

/** Java's List/Set toString: `[a, b]`. Used in the detailed messages that list IDs. */
export function javaList(items: readonly unknown[]): string {
  return `[${items.map(String).join(', ')}]`
}
