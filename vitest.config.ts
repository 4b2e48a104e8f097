import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    coverage: {provider: 'v8', include: ['src/**/*.ts'], reporter: ['text', 'json-summary']}
  }
})
