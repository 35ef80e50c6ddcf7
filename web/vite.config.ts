import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Development only: `npm run dev` proxies the API to a running scratchd (SCRATCH_API, default :3010).
// The built console is served by scratchd itself and talks to the same origin.
const api = process.env.SCRATCH_API ?? "http://127.0.0.1:3010";

export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 1200 },
  server: { proxy: { "/api": { target: api, changeOrigin: true } } },
});
