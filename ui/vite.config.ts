import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';

// The dev server forwards the API to a running cd4mm-server (CD4MM_API, default
// the server's own default address), so `npm run dev` behaves like the served UI.
const api = process.env.CD4MM_API ?? 'http://127.0.0.1:8640';

// The header's dark blue and the page's ground, from src/app.css.
const HEADER = '#0e2a47';
const GROUND = '#f3f5f7';

export default defineConfig({
  plugins: [
    svelte(),
    // The installable shell: a manifest and a Workbox service worker that
    // keeps the built files (every chunk, the lazily loaded ones included)
    // so the app opens with no network after one visit. Only the shell: the
    // app keeps its data in IndexedDB itself, and API answers are per user,
    // so no API answer is ever put in the service worker's cache.
    VitePWA({
      strategies: 'generateSW',
      registerType: 'autoUpdate',
      // Registered by src/lib/pwa.ts, which skips the Tauri shell.
      injectRegister: null,
      // The icons are in public/, found by globPatterns below.
      includeManifestIcons: false,
      manifest: {
        name: 'CD4MM Field',
        short_name: 'CD4MM',
        description:
          'Capacity development in migration management: map stakeholders, run capacity assessments, draft response plans and record monitoring data, with or without a network.',
        lang: 'en',
        display: 'standalone',
        start_url: './',
        scope: './',
        theme_color: HEADER,
        background_color: GROUND,
        icons: [
          { src: 'pwa-192x192.png', sizes: '192x192', type: 'image/png' },
          { src: 'pwa-512x512.png', sizes: '512x512', type: 'image/png' },
          { src: 'maskable-512x512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The plugin adds the manifest itself.
        globPatterns: ['**/*.{js,css,html,svg,png,ico,woff2}'],
        // The UI routes with `#/…`: a navigation is to the shell, never to
        // the API, the sync endpoint, the health check or metrics.
        navigateFallback: 'index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/v1\//, /^\/healthz/, /^\/metrics/],
        runtimeCaching: [],
        cleanupOutdatedCaches: true,
        // One file for the service worker, no workbox-*.js beside it.
        inlineWorkboxRuntime: true,
      },
    }),
  ],
  // Relative asset paths: the same build is served by cd4mm-server and by Tauri.
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  server: { proxy: { '/api': api, '/v1': api } },
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});
