import * as path from 'node:path'

/** Optimize's own export file, shipped in the shared fixtures beside the repository. */
export function templateExportPath(root: string): string {
  return path.join(
    root,
    '..',
    'shared',
    'fixtures',
    'optimize',
    'instant-preview-template1.export.json'
  )
}
