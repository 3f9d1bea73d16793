/** One jest run for every suite: test/bridge, test/renderer, test/nodes, test/e2e. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Tests never reach the real Google Fonts (renderer/src/fonts/google.ts).
  setupFiles: ['<rootDir>/test/helpers/offline-fonts.ts'],
  transform: {
    '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' } }],
    // jose 6 ships ES modules only; jest's module loader needs them compiled to CommonJS.
    '/node_modules/jose/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
    // kysely 0.29 too (the bridge's store).
    '/node_modules/kysely/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
    // nock 15 and its interceptor library too (contract tests of third-party providers).
    '/node_modules/(nock|@mswjs|@open-draft|rettime)/.+\\.m?js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|kysely|nock|@mswjs|@open-draft|rettime)/)'],
  testTimeout: 60000,
  // ffmpeg renders are CPU-bound and the machines have 2 cores: more workers only thrash.
  maxWorkers: 2,
  // A fresh worker process for every test file: suites start real servers, Bull queues and child
  // processes, and a late event from one file (a closing socket, a reconnecting client) must never be
  // reported against the next file's tests. Costs about a second a file.
  workerIdleMemoryLimit: '1MB',
};
