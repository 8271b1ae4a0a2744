/** @type {import('jest').Config} */
const swc = ['@swc/jest', {
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  swcrc: false,
}];

const libs = ['config', 'receipts', 'eventstore', 'db', 'domain', 'policy', 'readmodels', 'ledger', 'testing', 'runtime', 'ops', 'connectors', 'reactors'];

module.exports = {
  testEnvironment: 'node',
  rootDir: __dirname,
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    ...Object.fromEntries(libs.map((l) => [`^@oars/${l}$`, `<rootDir>/libs/${l}/src`])),
    // @fastify/static (Swagger UI assets) requires content-disposition 3, which is ESM only: Node 20
    // loads it, Jest cannot, so tests use the API-compatible CommonJS 2.x that is also installed.
    '^content-disposition$': '<rootDir>/node_modules/content-disposition/dist/index.js',
  },
  testTimeout: 60000,
  maxWorkers: 2,
  reporters: ['default', ['<rootDir>/scripts/jest-summary-reporter.js', {}]],
};
