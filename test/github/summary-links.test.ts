import {describe, expect, it} from 'vitest'
import {dashboardLinks, linkBase} from '../../src/github/summary-links.js'

const ID = '2b515093-76be-4c72-8d8d-e729c368f7dd'

describe('dashboardLinks', () => {
  it("links the files in the pull request's branch, the picture with ?raw=true, and Optimize", () => {
    const base = linkBase({
      serverUrl: 'https://github.com',
      repository: {owner: 'acme', repo: 'dashboards'},
      branch: 'optimize-as-code/export',
      path: 'optimize',
      optimizeUrl: 'https://optimize.example.com'
    })

    expect(dashboardLinks(base, ID, 'dashboards/sales.json')).toEqual({
      json: 'https://github.com/acme/dashboards/blob/optimize-as-code/export/optimize/dashboards/sales.json',
      svg: 'https://github.com/acme/dashboards/blob/optimize-as-code/export/optimize/dashboards/sales.svg',
      picture:
        'https://github.com/acme/dashboards/blob/optimize-as-code/export/optimize/dashboards/sales.svg?raw=true',
      optimize: `https://optimize.example.com/#/dashboard/${ID}/`
    })
  })

  it('keeps the cluster id of a SaaS URL and a self-managed context path', () => {
    const saas = linkBase({
      serverUrl: 'https://github.com',
      path: 'optimize',
      optimizeUrl: 'https://bru-2.optimize.camunda.io/8f1b2c3d-cluster'
    })
    const selfManaged = linkBase({
      serverUrl: 'https://github.com',
      path: 'optimize',
      optimizeUrl: 'https://camunda.example.com/optimize/'
    })

    expect(dashboardLinks(saas, ID).optimize).toBe(
      `https://bru-2.optimize.camunda.io/8f1b2c3d-cluster/#/dashboard/${ID}/`
    )
    expect(dashboardLinks(selfManaged, ID).optimize).toBe(
      `https://camunda.example.com/optimize/#/dashboard/${ID}/`
    )
  })

  it('links no files when they are not committed to a branch (push, none, the CLI)', () => {
    const base = linkBase({
      serverUrl: 'https://github.com',
      repository: {owner: 'acme', repo: 'dashboards'},
      path: 'optimize',
      optimizeUrl: 'https://optimize.example.com'
    })

    expect(dashboardLinks(base, ID, 'dashboards/sales.json')).toEqual({
      optimize: `https://optimize.example.com/#/dashboard/${ID}/`
    })
  })

  it('encodes what would end a Markdown link early, on GitHub Enterprise Server too', () => {
    const base = linkBase({
      serverUrl: 'https://ghe.example.com/',
      repository: {owner: 'acme', repo: 'dash boards'},
      branch: 'export (nightly)',
      path: './team folder/optimize',
      optimizeUrl: 'https://optimize.example.com/a(b)'
    })

    const links = dashboardLinks(base, 'id)x', 'dashboards/sales.json')

    expect(links.json).toBe(
      'https://ghe.example.com/acme/dash%20boards/blob/export%20%28nightly%29/team%20folder/optimize/dashboards/sales.json'
    )
    expect(links.optimize).toBe('https://optimize.example.com/a%28b%29/#/dashboard/id%29x/')
    for (const url of Object.values(links)) expect(url).not.toMatch(/[\s()<>]/)
  })
})
