import {writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import type {Emulator} from '../../emulator/index.js'
import {planMarker} from '../../src/github/plan-comment.js'
import {runCommand} from '../../src/main.js'
import {startFakeGitHub, type FakeGitHub} from '../helpers/fake-github.js'
import {recordingIo} from '../helpers/io.js'
import {makeSettings} from '../helpers/settings.js'
import {devWorkspace, TARGET_COLLECTION, targetFor, TREE} from '../promotion/helpers.js'

let fake: FakeGitHub
const emulators: Emulator[] = []
beforeAll(async () => {
  fake = await startFakeGitHub()
})
afterAll(async () => fake.close())
afterEach(async () => {
  expect(fake.violations).toEqual([])
  fake.comments.length = 0
  await Promise.all(emulators.splice(0).map(async e => e.close()))
})

async function planOnPullRequest(number: number) {
  const {workspace, dev} = await devWorkspace({dashboards: 2, reportsPerDashboard: 2})
  const target = await targetFor(dev)
  emulators.push(dev, target)
  const eventPath = path.join(workspace, 'event.json')
  await writeFile(eventPath, JSON.stringify({pull_request: {number}}))
  const io = recordingIo()
  const settings = makeSettings(
    {
      command: 'plan',
      path: TREE,
      'optimize-url': target.url,
      'access-token': target.token,
      'collection-id': TARGET_COLLECTION,
      'github-token': 'ghs_planCommentToken',
      'plan-file': 'plan.json'
    },
    {
      workspace,
      io,
      env: {
        GITHUB_API_URL: fake.url,
        GITHUB_REPOSITORY: `${fake.owner}/${fake.repo}`,
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: eventPath
      }
    }
  )
  return {settings, io, target}
}

describe('plan comment on the pull request', () => {
  it('comments the plan once and updates the same comment on the next run', async () => {
    const {settings, io} = await planOnPullRequest(7)
    const first = await runCommand(settings, io)
    expect(fake.comments).toHaveLength(1)
    expect(fake.comments[0]).toMatchObject({issue: 7})
    expect(fake.comments[0].body.startsWith(planMarker(TARGET_COLLECTION))).toBe(true)
    expect(fake.comments[0].body).toContain(first.summary.trim().split('\n')[0])

    await runCommand(settings, io)
    expect(fake.comments).toHaveLength(1)
    expect(fake.requests.filter(r => r.operation === 'issues/create-comment')).toHaveLength(1)
  })

  it('warns, and does not fail, when the token may not comment (a fork)', async () => {
    const {settings, io} = await planOnPullRequest(8)
    fake.fail('issues/create-comment', {
      status: 403,
      message: 'Resource not accessible by integration'
    })
    const result = await runCommand(settings, io)
    expect(result.outputs['has-changes']).toBe('true')
    expect(io.warnings.map(w => w.message).join('\n')).toMatch(
      /Could not comment the plan on pull request #8: .*pull-requests: write/
    )
    expect(fake.comments).toHaveLength(0)
  })
})
