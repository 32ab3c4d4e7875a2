// @ts-check
/**
 * Lint enforces the house's boundaries (DESIGN.md), not memory:
 *   shared/        imports no Node, DOM or Electron
 *   renderer/      imports no Node or Electron, and nothing from electron/
 *   electron/core/ never imports 'electron'
 *   only the IPC bridge, main's entry and the preload touch ipcMain / ipcRenderer
 * and fails on floating promises and on focused or skipped tests.
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import vueParser from 'vue-eslint-parser';
import globals from 'globals';

// Bare module names are matched exactly (`paths`), so a local './events' is not mistaken for Node's.
const NODE_MODULES = [
  'fs', 'path', 'os', 'crypto', 'child_process', 'net', 'http', 'https', 'url', 'util', 'stream', 'events',
  'worker_threads', 'better-sqlite3', 'serialport', 'socket.io', 'sirv', 'yaml',
];
const NODE_PATTERNS = ['node:*', 'fs/*', '@serialport/*'];

const restrict = (message, names, patterns = []) => ({
  'no-restricted-imports': [
    'error',
    { paths: names.map((name) => ({ name, message })), patterns: patterns.length ? [{ group: patterns, message }] : [] },
  ],
});

const focusedOrSkipped = [
  {
    selector: "MemberExpression[object.name=/^(it|test|describe|suite|bench)$/][property.name=/^(only|skip|todo)$/]",
    message: 'No .only / .skip / .todo left in tests: every test runs.',
  },
  {
    selector: "MemberExpression[object.property.name=/^(describe|serial|parallel)$/][property.name=/^(only|skip)$/]",
    message: 'No .only / .skip left in tests: every test runs.',
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', 'release/', 'build/native/', 'test-results/', 'playwright-report/', 'tests/.artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  ...pluginVue.configs['flat/recommended'],
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname, extraFileExtensions: ['.vue'] },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: true }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  {
    files: ['**/*.vue'],
    languageOptions: {
      parser: vueParser,
      parserOptions: { parser: tseslint.parser, projectService: true, tsconfigRootDir: import.meta.dirname, extraFileExtensions: ['.vue'] },
    },
  },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs', 'build/**', 'electron/**', 'tests/**'], languageOptions: { globals: { ...globals.node } } },
  { files: ['renderer/**'], languageOptions: { globals: { ...globals.browser } } },

  // Boundaries.
  {
    files: ['shared/**'],
    rules: {
      ...restrict('shared/ runs on both sides: no Node, DOM or Electron.', [...NODE_MODULES, 'electron', 'vue', 'pinia', 'socket.io-client'], [...NODE_PATTERNS, 'electron/*']),
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'Buffer', 'require', 'localStorage'],
    },
  },
  {
    files: ['renderer/**'],
    rules: restrict(
      'The renderer imports no Node or Electron module: talk to the core through the HallClient.',
      [...NODE_MODULES, 'electron'],
      [...NODE_PATTERNS, 'electron/*', '**/electron/**'],
    ),
  },
  {
    files: ['electron/core/**', 'electron/web-host/**'],
    rules: restrict('electron/core and web-host run under plain Node: never import electron or the renderer.', ['electron'], ['electron/*', '**/renderer/**']),
  },
  {
    files: ['electron/main/**'],
    ignores: ['electron/main/index.ts', 'electron/main/ipc-bridge.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', importNames: ['ipcMain', 'ipcRenderer'], message: 'Only the IPC bridge touches ipcMain.' }], patterns: [{ group: ['**/renderer/**'], message: 'main does not import the renderer.' }] },
      ],
    },
  },

  // Tests: nothing focused or skipped.
  { files: ['tests/**'], rules: { 'no-restricted-syntax': ['error', ...focusedOrSkipped] } },
);
