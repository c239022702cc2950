import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The dev server forwards the API to a running cd4mm-server (CD4MM_API, default
// the server's own default address), so `npm run dev` behaves like the served UI.
const api = process.env.CD4MM_API ?? 'http://127.0.0.1:8640';

export default defineConfig({
  plugins: [svelte()],
  // Relative asset paths: the same build is served by cd4mm-server and by Tauri.
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  server: { proxy: { '/api': api, '/v1': api } },
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});
