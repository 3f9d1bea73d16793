// Lint for the whole repository. The server workspaces and tests use typescript-eslint's
// recommended rules; nodes/ and credentials/ get n8n's community-node rules (strict mode).
import { config as n8nCommunityConfig } from '@n8n/node-cli/eslint';
import tseslint from 'typescript-eslint';

// n8n's community config (what `n8n-node lint` runs) targets every *.ts; scope it to the package.
const n8nPackageFiles = ['nodes/**/*.ts', 'credentials/**/*.ts'];
const n8nConfig = n8nCommunityConfig.map((block) =>
  block.files?.includes('**/*.ts') ? { ...block, files: n8nPackageFiles } : block,
);

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'coverage/**', '.n8n-e2e/**', '**/*.js', '**/*.mjs'] },
  {
    files: ['bridge/**/*.ts', 'renderer/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    extends: [tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...n8nConfig,
);
