/// <reference types="vitest/config" />
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";

import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

// `npm run dev` proxies the API to a Django server (make web, or make run): AWE_DEV_API overrides it.
const api = process.env.AWE_DEV_API ?? "http://127.0.0.1:8000";

/** Writes .gz and .br next to each text asset: WhiteNoise serves them to clients that accept them. */
function precompress(): Plugin {
  return {
    name: "awe-precompress",
    apply: "build",
    writeBundle(options, bundle) {
      const dir = options.dir ?? "dist";
      for (const name of Object.keys(bundle)) {
        if (!/\.(js|css|svg|json)$/.test(name)) continue;
        const path = join(dir, name);
        const item = bundle[name]!;
        const source = item.type === "chunk" ? item.code : item.source;
        writeFileSync(`${path}.gz`, gzipSync(source, { level: 9 }));
        writeFileSync(`${path}.br`, brotliCompressSync(source));
      }
    },
  };
}

export default defineConfig(({ command }) => ({
  plugins: [react(), precompress()],
  // Built assets are served by Django (WhiteNoise) under /static/assets/; dev serves from /.
  base: command === "build" ? "/static/" : "/",
  build: {
    outDir: "dist",
    assetsDir: "assets",
    emptyOutDir: true,
    chunkSizeWarningLimit: 600,
    rollupOptions: {
      output: {
        // Libraries change less often than the app: separate files stay cached across releases.
        manualChunks: {
          react: ["react", "react-dom", "react-dom/client", "react-router"],
          graph: ["@xyflow/react", "@dagrejs/dagre"],
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      "/api": {
        target: api,
        changeOrigin: true,
        // Django's CSRF check compares Origin with the host it serves: present the proxied origin.
        configure: (proxy) => {
          proxy.on("proxyReq", (request) => {
            if (request.getHeader("origin")) request.setHeader("origin", api);
          });
        },
      },
      "/admin": { target: api, changeOrigin: true },
      "/static/admin": { target: api, changeOrigin: true },
    },
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
  },
}));
