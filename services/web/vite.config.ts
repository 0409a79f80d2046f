import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The build lands in the jar's static/ folder, which the gateway serves; asset names carry a
// content hash, so the gateway caches them for a year and index.html never.
export default defineConfig({
  plugins: [svelte()],
  build: {
    outDir: 'target/classes/static',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
});
