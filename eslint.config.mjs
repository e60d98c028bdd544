// Layer rule (fixed by ARCHITECTURE.md): src-main/common <- node <- electron; src-renderer imports only common.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'path', 'os', 'http', 'https', 'net', 'child_process', 'crypto', 'stream', 'url', 'zlib', 'events', 'worker_threads', 'util', 'tty', 'dgram'];
// A leading "/" anchors the bare name, so a file of ours called events.ts is not mistaken for node:events.
const builtinPatterns = nodeBuiltins.flatMap((m) => [`/${m}`, `node:${m}`, `/${m}/*`, `node:${m}/*`]);

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'dist-main/**', 'dist-renderer/**', 'dist-guide/**', 'release/**', 'test-results/**', 'playwright-report/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['src-main/common/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['electron', 'better-sqlite3', 'react', 'pdfkit', 'serialport'].map((name) => ({ name, message: 'src-main/common runs anywhere: no Node, DOM or Electron imports.' })),
        patterns: [
          { group: ['**/node/**', '**/electron/**', '**/src-renderer/**', '../node', '../electron', '../../node', '../../electron'], message: 'src-main/common imports nothing else of ours (layer rule).' },
          { group: builtinPatterns, message: 'src-main/common runs anywhere: no Node built-ins.' },
        ],
      }],
    },
  },
  {
    files: ['src-main/node/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'src-main/node must run on plain Node: no electron imports (layer rule).' }],
        patterns: [{ group: ['**/electron/**', '**/src-renderer/**', '../electron', '../../electron', '../../../electron'], message: 'src-main/node may import only common (layer rule).' }],
      }],
    },
  },
  {
    files: ['src-main/electron/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/src-renderer/**'], message: 'src-main/electron may import common and node only (layer rule).' }],
      }],
    },
  },
  {
    files: ['src-renderer/**'],
    // Build configuration runs in Node, not in the browser.
    ignores: ['src-renderer/**/vite.config.*'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['electron', 'better-sqlite3', 'pdfkit', 'serialport'].map((name) => ({ name, message: 'src-renderer imports only src-main/common (layer rule).' })),
        patterns: [
          { group: ['**/src-main/node/**', '**/src-main/electron/**'], message: 'src-renderer imports only src-main/common (layer rule).' },
          { group: builtinPatterns, message: 'src-renderer runs in a browser: no Node built-ins.' },
        ],
      }],
    },
  },
);
