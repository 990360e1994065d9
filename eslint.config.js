// typescript-eslint runs only the rules that need TypeScript's type checker: the promise rules that
// Biome (biome.jsonc, the formatter and general linter) cannot enforce. See the README's dependencies.
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['node_modules/', 'cdk.out/', 'web/dist/', '.data/', 'test/bench/results/', 'test/artifacts/'] },
  {
    files: ['**/*.ts', '**/*.tsx', 'infra/local/*.mjs'],
    languageOptions: {
      parser: tseslint.parser,
      // Each file is checked with the types of tsconfig.json, which includes every TypeScript file.
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A promise nobody awaits loses its rejection: an unhandled rejection ends a Node process.
      '@typescript-eslint/no-floating-promises': 'error',
      // An async function where a void callback is expected (a server handler, an event listener, a
      // forEach body, a JSX event handler) is not awaited by its caller; nor is a promise in an `if`.
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // `return promise` inside try skips the catch and the finally's ordering; elsewhere it is fine.
      '@typescript-eslint/return-await': ['error', 'error-handling-correctness-only'],
      // Rejecting with what a catch caught is re-throwing it, not inventing a non-Error reason.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // Off: `async` here states that a function fulfils a Promise-returning contract (Lambda
      // handlers, test doubles) even when its body has nothing to await; a forgotten await at a
      // call site is what no-floating-promises catches.
      '@typescript-eslint/require-await': 'off',
    },
  },
);
