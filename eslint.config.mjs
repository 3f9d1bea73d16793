// Lint for the whole repository. The server workspaces and tests use typescript-eslint's
// recommended rules; nodes/ and credentials/ get n8n's community-node rules (strict mode).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'coverage/**', '.n8n-e2e/**', '**/*.js', '**/*.mjs'] },
  {
    files: ['bridge/**/*.ts', 'renderer/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    extends: [tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
