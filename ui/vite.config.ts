import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [svelte()],
  build: {
    target: 'es2022',
    // The sizes printed here are what the page costs a phone; the budget test holds them down.
    reportCompressedSize: true,
    sourcemap: false,
  },
  server: {
    // `npm run dev -w @cloud-cloud/ui` next to `npm start`: the API and lamps stay on :4000.
    proxy: { '/graphql': { target: 'http://127.0.0.1:4000', ws: true } },
  },
});
