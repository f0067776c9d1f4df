import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

// Declared boundaries (docs/architecture.md): other packages are reached through their package.json
// `exports`, never their build output; test support stays out of what ships; the projection's write
// and read sides do not import its tools, its test support or each other (read may use the SQL
// drivers' types and the schema, which belong to the write side).
const DEEP_IMPORT = {
  group: ['@medledger/*/dist', '@medledger/*/dist/*', '@medledger/*/src', '@medledger/*/src/*'],
  message: "import a declared entry point (the package's `exports`)",
};
const TEST_SUPPORT = {
  group: ['**/testing', '**/testing/*', '@medledger/*/testing'],
  message: 'test support is for tests only',
};
const PROJECTION_TOOLS = {
  group: ['**/tools', '**/tools/*'],
  message: 'the projection tools use the write and read sides, not the other way round',
};
const PROJECTION_READ = { group: ['**/read', '**/read/*'], message: 'the write side does not read' };
const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.medledger/**', 'bench/results/**'] },
  eslint.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  {
    files: ['**/src/**/*.ts'],
    ignores: ['**/*.test.ts', '**/testing/**'],
    rules: restrict(DEEP_IMPORT, TEST_SUPPORT),
  },
  {
    files: ['gateway/src/projection/write/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: restrict(DEEP_IMPORT, TEST_SUPPORT, PROJECTION_TOOLS, PROJECTION_READ),
  },
  {
    files: ['gateway/src/projection/read/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: restrict(DEEP_IMPORT, TEST_SUPPORT, PROJECTION_TOOLS),
  },
  {
    files: ['**/*.test.ts'],
    rules: restrict(DEEP_IMPORT),
  },
  {
    // node:test's describe/it return promises the runner itself awaits.
    files: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-floating-promises': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } },
  },
);
