// ESLint for the atlas's page scripts (geo/assets/js) and these tests.
// Patterns are relative to the repository: run it from there with --config, as
// `npm run lint --prefix tests/js` (and tests/test_js.py) do.
import js from '@eslint/js';
import globals from 'globals';

const safety = {
  'no-eval': 'error',
  'no-implied-eval': 'error',
  'no-new-func': 'error',
  'no-script-url': 'error',
  eqeqeq: ['error', 'always'],
  'no-shadow': 'error',
};

export default [
  {
    files: ['geo/assets/js/**/*.js'],
    ...js.configs.recommended,
  },
  {
    files: ['geo/assets/js/**/*.js'],
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: 'script',
      globals: { ...globals.browser, L: 'readonly' },
    },
    rules: {
      ...safety,
      strict: ['error', 'function'],
      'no-unused-vars': ['error', { args: 'none' }],
      // One file per control or job, no function as long as the old init().
      'max-lines': ['error', { max: 600 }],
      'max-lines-per-function': ['error', { max: 50, skipBlankLines: true, skipComments: true, IIFEs: false }],
    },
  },
  {
    files: ['tests/js/**/*.mjs'],
    ...js.configs.recommended,
  },
  {
    files: ['tests/js/**/*.mjs'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node } },
    rules: safety,
  },
];
