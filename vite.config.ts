import { defineConfig } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'

// The PWA is a static build: `dist/` can be served from any host or IPFS gateway, next to a config.json.
export default defineConfig({
  // relative URLs: the same build works at a domain's root, under /ipfs/<cid>/ on any gateway, or from a relay
  base: './',
  build: {
    target: 'es2023',
    sourcemap: true,
    // libp2p + helia are loaded lazily after first paint; keep the warning for anything else that grows
    chunkSizeWarningLimit: 1600,
  },
  plugins: [
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      // src/pwa/register.ts registers it (and offers a waiting new version to <souk-update-prompt>)
      injectRegister: false,
      // public/manifest.webmanifest is ours; the plugin only links it
      manifest: false,
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        globIgnores: ['**/config.json', '**/config.example.json', 'screenshots/**'],
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
      },
      devOptions: { enabled: false },
    }),
  ],
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
})
