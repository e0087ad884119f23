// Vite build of the dashboard: hashed assets under /assets, served by the paygate binary.
import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    assetsDir: "assets",
    sourcemap: false,
    // One inline-free bundle: the CSP allows scripts from 'self' only.
    assetsInlineLimit: 0,
  },
  server: {
    proxy: {
      "/api": "http://127.0.0.1:8080",
      "/readyz": "http://127.0.0.1:8080",
      "/sandbox": "http://127.0.0.1:8080",
    },
  },
  test: {
    environment: "happy-dom",
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
