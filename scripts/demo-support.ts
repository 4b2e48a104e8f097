import * as path from 'node:path'

/** Optimize's own export file (instant-preview template1), kept in the repository so the demo needs nothing beside it. */
export function templateExportPath(root: string): string {
  return path.join(root, 'test', 'fixtures', 'optimize', 'instant-preview-template1.export.json')
}
