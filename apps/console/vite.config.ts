import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The console, served by the gateway at /console (apps/gateway/src/http/console.controller.ts).
 * Vite 8 transforms TSX itself (oxc); React's automatic runtime saves importing React in each view.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    // echarts (loaded only by the auditor's charts) is a chunk of its own, larger than the default warning.
    chunkSizeWarningLimit: 600,
  },
  server: { proxy: { '/graphql': 'http://127.0.0.1:4000' } },
});
