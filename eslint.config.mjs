import eslint from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
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
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '.medledger*/**',
      'bench/results/**',
      'console/dist-web/**',
      'console/test-results/**',
    ],
  },
  eslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  {
    // What the web console runs in a browser: the rules of hooks, and no import of the Node-only
    // domain entry.
    files: ['console/src/app/**/*.{ts,tsx}', 'console/src/lib/**/*.ts'],
    ignores: ['**/*.test.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@medledger/domain',
              message: 'a browser loads @medledger/domain/browser (types: `import type` from the main entry)',
              allowTypeImports: true,
            },
          ],
          patterns: [DEEP_IMPORT, TEST_SUPPORT],
        },
      ],
    },
  },
  {
    files: ['**/src/**/*.ts'],
    ignores: ['**/*.test.ts', '**/testing/**', 'console/src/app/**', 'console/src/lib/**'],
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
    // Every endorser must compute the same result: time from the transaction timestamp, ids from the
    // transaction id or the caller. The custodian's clock of the never-committed content read is the one
    // exception, read in custodian-clock.ts only; the custodian's keyring file is read in custodian-keyring.ts.
    files: ['chaincode/src/**/*.ts', 'chaincode/domain/src/**/*.ts'],
    ignores: [
      '**/*.test.ts',
      '**/testing/**',
      'chaincode/src/custodian-clock.ts',
      'chaincode/src/custodian-keyring.ts',
    ],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'chaincode time comes from the transaction timestamp' },
        { object: 'Math', property: 'random', message: 'chaincode must be deterministic' },
        { object: 'process', property: 'env', message: 'every endorser must read the same inputs' },
        { object: 'crypto', property: 'randomUUID', message: 'ids come from the transaction id or caller' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'chaincode time comes from the transaction timestamp',
        },
        {
          selector: "CallExpression[callee.name='randomUUID']",
          message: 'ids come from the transaction id or caller',
        },
      ],
    },
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
