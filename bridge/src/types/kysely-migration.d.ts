// kysely 0.29 moved Migrator to the `kysely/migration` subpath export, which TypeScript's "node"
// module resolution (ours: CommonJS) cannot see. Map it to the same declarations by file path.
declare module 'kysely/migration' {
  export * from 'kysely/dist/migration/index';
}
