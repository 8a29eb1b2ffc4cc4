import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** The web app of `mathcoder view`, built into dist/view (served by src/server/web-app.ts); no CDN, works offline. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  resolve: { alias: { react: 'preact/compat', 'react-dom': 'preact/compat' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/view', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  logLevel: 'warn',
});
