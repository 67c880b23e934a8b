import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [svelte()],
  build: { outDir: 'dist', emptyOutDir: true },
  // `vite dev` forwards the API to a server started separately (node --import tsx apps/server/src/main.ts).
  server: { proxy: { '/api': process.env.XAI_API ?? 'http://127.0.0.1:3000' } },
});
