import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The built app goes into the Python package, which serves it (never committed).
export default defineConfig({
  plugins: [react()],
  build: { outDir: "../src/cairn/server/static", emptyOutDir: true, sourcemap: false },
  server: { proxy: { "/api": "http://127.0.0.1:8080" } },
});
