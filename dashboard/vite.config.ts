import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

// Static files served by the bridge at `/` under a strict CSP: no inline script, no module preload
// polyfill (it is an inline script), nothing from a CDN.
export default defineConfig({
  plugins: [preact()],
  build: { outDir: 'dist', emptyOutDir: true, modulePreload: { polyfill: false }, assetsInlineLimit: 0, sourcemap: false },
});
