/** One jest run for every suite: test/bridge, test/renderer, test/nodes, test/e2e. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testTimeout: 60000,
  // ffmpeg renders are CPU-bound and the machines have 2 cores: more workers only thrash.
  maxWorkers: 2,
};
