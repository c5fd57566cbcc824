// Vite builds the UI into ui/dist, which the Tauri crate embeds; Vitest runs
// the unit tests of the pure TypeScript modules.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const uiRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: uiRoot,
  base: './',
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // WebKitGTK on Linux, WebKit on macOS, WebView2 on Windows all handle ES2021.
    target: 'es2021',
  },
  test: {
    root: uiRoot,
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
