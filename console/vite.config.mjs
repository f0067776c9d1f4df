// The web console's build: a static bundle under /console/ that each org's gateway serves. No inline
// script or style is emitted (the gateway's Content-Security-Policy allows only 'self'), and nothing
// is fetched at build time, so the build runs offline.
import { fileURLToPath } from 'node:url';

import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [react()],
  resolve: {
    // The shared model's browser entry from its TypeScript source (ES modules), so that the bundle
    // keeps only what the console uses of it and of zod; tsc checks the same code through its types.
    alias: {
      '@medledger/domain/browser': fileURLToPath(
        new URL('../chaincode/domain/src/browser.ts', import.meta.url),
      ),
    },
  },
  build: {
    outDir: 'dist-web',
    emptyOutDir: true,
    // Assets always as files: a data: URL for a small asset would need a wider CSP.
    assetsInlineLimit: 0,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
});
