import {describe, expect, it} from 'vitest'
import {cliName, inCliVocabulary} from '../src/cli-names.js'

describe("the command line's names for inputs", () => {
  it('a flag, with the environment variable that may stand in for it', () => {
    expect(cliName('optimize-url')).toBe('--optimize-url (or OPTIMIZE_URL)')
    expect(cliName('path')).toBe('--path')
  })

  it('rewrites every way a message names an input, and leaves other quoted words', () => {
    expect(
      inCliVocabulary("Input 'commit' must be one of 'pull-request', 'push', 'none', got 'path'.")
    ).toBe("--commit must be one of 'pull-request', 'push', 'none', got 'path'.")
    expect(
      inCliVocabulary(
        "Nothing to export: set input 'dashboard-ids', 'report-ids' or 'collection-id'."
      )
    ).toBe('Nothing to export: set --dashboard-ids, --report-ids or --collection-id.')
    expect(inCliVocabulary("Inputs 'client-id' and 'client-secret' go together")).toBe(
      '--client-id (or OPTIMIZE_CLIENT_ID) and --client-secret (or OPTIMIZE_CLIENT_SECRET) go together'
    )
    expect(inCliVocabulary("no answer within 30 s (input 'timeout'); Check the input 'x'")).toBe(
      "no answer within 30 s (--timeout); Check the input 'x'"
    )
    expect(inCliVocabulary("The folder 'optimize' (input 'path') does not exist")).toBe(
      "The folder 'optimize' (--path) does not exist"
    )
    expect(inCliVocabulary("Input 'branch' ('limit') must differ; raise 'retries'")).toBe(
      "--branch ('limit') must differ; raise --retries"
    )
  })
})
