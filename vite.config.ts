import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The worker is an ES module so that it can import the shared format code.
export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 1024 },
});
