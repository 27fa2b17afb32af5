/**
 * Entry point of the PWA. Renders the frame at once, then loads `config.json` and starts the services
 * (chain status, the peer-to-peer node) lazily, so the first paint does not wait for libp2p. Registers the
 * service worker and hands a waiting new version to <souk-update-prompt>.
 */
import './components/souk-app.ts'
import './components/souk-build-info.ts'
import './components/souk-update-prompt.ts'
import { registerServiceWorker } from './pwa/register.ts'
import { preferredLocale, useLocale } from './i18n.ts'
// imported statically on purpose: loading the config checks (and viem's error classes with them) lazily kept
// 32 KB (gzip) of viem off the first route, but every view needs viem to draw, so pages drew later and were
// busier after first paint (Lighthouse A/B in docs/decisions.md, "Page load")
import { ConfigError, parseConfig, type SoukConfig } from './core/config.ts'

async function loadConfig(): Promise<SoukConfig> {
  const response = await fetch(new URL('config.json', document.baseURI), { cache: 'no-cache' })
  if (!response.ok) throw new Error(`config.json answered HTTP ${response.status}`)
  return parseConfig(await response.json())
}

async function boot(): Promise<void> {
  const app = document.querySelector('souk-app')
  if (!app) return
  // before the first render: views say "loading" rather than "not available" until the services are up
  app.starting = true
  const locale = preferredLocale()
  if (locale !== 'en') void useLocale(locale)
  let config: SoukConfig
  try {
    config = await loadConfig()
  } catch (err) {
    app.starting = false
    app.error = err instanceof ConfigError ? err.shortMessage : err instanceof Error ? err.message : String(err)
    return
  }
  app.config = config
  const [{ startServices }, settings] = await Promise.all([import('./services.ts'), import('./services/settings.ts')])
  // this device's relays and RPC URL (#/settings) over the deployment's; app.config stays the deployment's
  const services = await startServices(settings.withSettings(config, settings.loadSettings()))
  app.chainStatus = services.chainStatus
  app.chain = services.chain
  app.network = services.network
  app.media = services.media
  app.catalog = services.catalog
  app.publish = services.publish
  app.trustDocs = services.trustDocs
  app.messaging = services.messaging
  app.starting = false
}

void boot()
registerServiceWorker((apply) => {
  const prompt = document.querySelector('souk-update-prompt')
  if (prompt) prompt.apply = apply
})
