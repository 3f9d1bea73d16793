// Lint for everything that is not the n8n package: the servers, the dashboard, the tests and the
// benchmarks. The root eslint.config.mjs must stay @n8n/node-cli's default (n8n's strict mode compares
// it byte for byte), so each of those folders has its own eslint.config.mjs built from this one, and
// ESLint picks the config nearest to each file (flag v10_config_lookup_from_file, set by `npm run lint`
// and by scripts/env.sh; it is ESLint 10's default lookup).
import tseslint from 'typescript-eslint';

/**
 * typescript-eslint's recommended rules for the TypeScript files below `folder` (the caller's
 * import.meta.dirname: with one config per folder, typescript-eslint cannot guess its root).
 */
export function serverConfig(folder, { files = ['**/*.ts'] } = {}) {
  return tseslint.config(
    { ignores: ['**/node_modules/**', '**/dist/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
    {
      files,
      extends: [tseslint.configs.recommended],
      languageOptions: { parserOptions: { tsconfigRootDir: folder } },
      rules: {
        '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      },
    },
  );
}
