/** Builds the portal into dist/portal; relative asset URLs plus the server's <base href> make sub-paths work. */
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [preact()],
  build: {
    outDir: '../dist/portal',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    target: 'es2022',
  },
});
