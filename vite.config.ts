import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The page's Content-Security-Policy, as a meta tag so `vite preview` and any static host carry it.
 * Everything loads from the page's own origin: scripts, the module worker, the datasets, recorded
 * runs and teachers (fetch), styles. `data:` images are the favicon stub; `blob:` is the export's
 * download link. No inline script is allowed anywhere. 'wasm-unsafe-eval' lets the CPU backend
 * compile its WebAssembly convolution kernels (src/engine/nn/wasm, bytes shipped in the bundle; it
 * permits compiling wasm, not eval of JS); without it they fall back to the JS kernels. Only the
 * build gets it: the dev server injects an inline script for hot reload. e2e/csp.spec.ts fails on
 * any violation.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'content-security-policy',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }],
  };
}

export default defineConfig({
  plugins: [react(), contentSecurityPolicy()],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  server: { port: 5173 },
  preview: { port: 4173 },
});
