// ESLint 9 flat config: eslint's and typescript-eslint's recommended rules, plus a few strict ones.
// Syntax-only (no type information), so `npm run lint` stays fast; `tsc` does the type checking.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.cache/**', 'test-artifacts/**', 'bench/results/**', 'test/e2e/.cache/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-var': 'error',
      'prefer-const': 'error',
      // Type-only imports say so (esbuild drops them; no import circle at run time). `typeof import()`
      // annotations stay allowed for the lazy require()s of the profiler process.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // `a && b()` / `c ? d() : e()` as statements are an idiom of the wire-format readers.
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      // Non-null assertions mark invariants the types cannot express (about 200 of them, each local).
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Tests read decoded protobuf objects and JSON whose shape they assert.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Functions passed to page.evaluate() run in the browser.
    files: ['test/e2e/ui.mjs'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Plain JavaScript (CommonJS fixtures, build scripts).
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
