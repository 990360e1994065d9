import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { koreanFontSubset } from './font';

const webRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: webRoot,
  // Relative asset paths: the same dist works behind CloudFront and under the local server.
  base: './',
  plugins: [preact({ prerender: { enabled: false } }), koreanFontSubset()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    rollupOptions: {
      onLog(level, log, handler) {
        // zod's comments trip a Rollup notice that changes nothing in the output.
        if (log.code === 'INVALID_ANNOTATION' && log.message.includes('node_modules/zod')) return;
        handler(level, log);
      },
    },
  },
  server: {
    // The UI imports shared/domain and the ASL from outside web/.
    fs: { allow: ['..'] },
  },
});
