import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg, str } from '@lit/localize'
import { Task } from '@lit/task'
import type { SoukConfig } from '../../core/config.ts'
import type { NetworkSnapshot, RelayStatus, StatusSource } from '../../core/status.ts'
import type { CatalogService, MessagingService } from '../../services/types.ts'
import {
  addRelay,
  checkRpcUrl,
  loadSettings,
  saveSettings,
  SettingsError,
  type DeviceSettings,
} from '../../services/settings.ts'
import { clearStore, deviceUsage, type StoreName, type StorageNames } from '../../services/device-storage.ts'
import { allLocales, getLocale, useLocale, type Locale } from '../../i18n.ts'
import { APP_VERSION } from '../../version.ts'
import { catalogContext, configContext, messagingContext, networkContext } from '../context.ts'
import { currentBuildCid } from '../souk-build-info.ts'
import { StatusController } from '../status-controller.ts'
import { shared, statusDot } from '../styles.ts'
import '../souk-vault-tools.ts'
import '../souk-network-diagnostics.ts'

const LOCALE_NAMES: Record<Locale, string> = { en: 'English', 'zh-Hans': '简体中文' }

function settingsErrorText(err: unknown): string {
  if (!(err instanceof SettingsError)) return err instanceof Error ? err.message : String(err)
  switch (err.reason) {
    case 'relay-syntax':
      return msg('That is not a multiaddr. A relay address looks like /dns4/relay.example/tcp/443/wss/p2p/12D3Koo…', {
        id: 'settings.err.relaySyntax',
      })
    case 'relay-peer-id':
      return msg('A relay address must end in /p2p/ and the relay’s peer id.', { id: 'settings.err.relayPeer' })
    case 'relay-transport':
      return msg('A browser reaches relays only over WebSockets: the address needs /ws or /wss.', {
        id: 'settings.err.relayTransport',
      })
    case 'relay-duplicate':
      return msg('This relay is already in the list, or the list is full.', { id: 'settings.err.relayDuplicate' })
    case 'rpc-url':
      return msg('The RPC URL must start with https:// (or http:// for a local node).', { id: 'settings.err.rpcUrl' })
    case 'rpc-unreachable':
      return msg('That RPC URL did not answer. Nothing was changed.', { id: 'settings.err.rpcUnreachable' })
    default: {
      const other = err.details ?? '?'
      return msg(str`That RPC URL serves chain ${other}, not the one Souk runs on. Nothing was changed.`, {
        id: 'settings.err.rpcChain',
      })
    }
  }
}

function storeLabel(s: StoreName): string {
  switch (s) {
    case 'catalog':
      return msg('Catalog', { id: 'settings.store.catalog' })
    case 'media':
      return msg('Photo cache', { id: 'settings.store.media' })
    case 'messages':
      return msg('Messages', { id: 'settings.store.messages' })
    case 'drafts':
      return msg('Drafts', { id: 'settings.store.drafts' })
    default:
      return msg('Bid secrets', { id: 'settings.store.vault' })
  }
}

function storeHint(s: StoreName): string {
  switch (s) {
    case 'catalog':
      return msg('Listings copied from the network; copied again after clearing.', { id: 'settings.hint.catalog' })
    case 'media':
      return msg('Photos already seen; fetched again when needed.', { id: 'settings.hint.media' })
    case 'messages':
      return msg('Your conversations and this device’s messaging key. Messages not kept by relays are lost.', {
        id: 'settings.hint.messages',
      })
    case 'drafts':
      return msg('The listing you are writing, and unfinished publications.', { id: 'settings.hint.drafts' })
    default:
      return msg('The secrets that reveal your bids. Without them a bid cannot be revealed and cannot win.', {
        id: 'settings.hint.vault',
      })
  }
}

function bytes(n: number | undefined): string {
  if (n === undefined) return '—'
  const units = ['B', 'KB', 'MB', 'GB'] as const
  let v = n
  let u = 0
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`
}

function relayState(r: RelayStatus | undefined): { key: string; text: string; tone?: 'ok' | 'bad' } {
  if (!r) return { key: 'unknown', text: msg('not dialled yet', { id: 'settings.relay.unknown' }) }
  if (r.connected && r.reservation)
    return { key: 'reserved', text: msg('connected', { id: 'net.relays.connected' }), tone: 'ok' }
  if (r.connected)
    return { key: 'connected', text: msg('connected, no reservation', { id: 'settings.relay.noRes' }), tone: 'ok' }
  if (r.retryAt !== undefined)
    return { key: 'retrying', text: msg('unreachable, retrying', { id: 'settings.relay.retry' }), tone: 'bad' }
  return { key: 'dialling', text: msg('connecting…', { id: 'settings.relay.dialling' }) }
}

function peerOf(addr: string): string {
  return addr.slice(addr.lastIndexOf('/p2p/') + 5)
}

/**
 * Network & settings (`#/settings`): this device's relays (live status, add, remove, reset to the
 * deployment's), peers, the catalog's sync state, storage used and clearing it, an RPC URL of its own
 * (checked against the deployment's chain id), the language, the bid vault's export / import, and "about this
 * device" (peer id, messaging key, build). Relay and RPC changes are saved on this device and used when Souk
 * next starts (the Restart button).
 *
 * Exposes `data-storage-loaded` once the storage figures are in, for tests.
 */
@customElement('souk-settings-view')
@localized()
export class SoukSettingsView extends LitElement {
  static override styles = [
    shared,
    statusDot,
    css`
      :host {
        display: block;
        /* multiaddrs, peer ids and URLs have no spaces: break them rather than widen a phone's page */
        overflow-wrap: anywhere;
      }
      section {
        margin-block: 1.25rem;
        max-width: 40rem;
      }
      ul.rows {
        list-style: none;
        padding: 0;
        margin: 0.5rem 0;
        display: grid;
        gap: 0.5rem;
      }
      ul.rows li {
        display: grid;
        grid-template-columns: 1fr auto;
        align-items: center;
        gap: 0.25rem 0.5rem;
        border: 1px solid var(--souk-border, #dedad0);
        border-radius: 0.5rem;
        padding: 0.5rem 0.75rem;
        background: var(--souk-surface, #fff);
      }
      code {
        overflow-wrap: anywhere;
        font-size: 0.8rem;
      }
      form.inline {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: end;
      }
      form.inline input {
        flex: 1 1 14rem;
        min-width: 0;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        margin-top: 0.5rem;
      }
      dialog {
        max-width: min(28rem, calc(100vw - 2rem));
        border: 1px solid var(--souk-border, #dedad0);
        border-radius: 0.75rem;
        padding: 1rem;
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 0.4);
      }
      .check {
        display: flex;
        gap: 0.5rem;
        align-items: flex-start;
        font-weight: normal;
      }
      .check input {
        width: 1.5rem;
        height: 1.5rem;
        min-height: 0;
        flex: none;
      }
      button.danger {
        border-color: var(--souk-bad, #a3261b);
        color: var(--souk-bad, #a3261b);
      }
    `,
  ]

  @consume({ context: configContext, subscribe: true })
  @state()
  config?: SoukConfig

  @consume({ context: networkContext, subscribe: true })
  @state()
  network?: StatusSource<NetworkSnapshot>

  @consume({ context: catalogContext, subscribe: true })
  @state()
  catalog?: CatalogService

  @consume({ context: messagingContext, subscribe: true })
  @state()
  messaging?: MessagingService

  /** localStorage key of the settings (tests use their own). */
  @property({ attribute: 'settings-key' }) settingsKey = 'souk.settings'
  /** Database names of the stores (tests use their own). */
  @property({ attribute: false }) storageNames: StorageNames = {}

  @state() private settings: DeviceSettings = {}
  /** Settings saved since this page started: they apply after a restart. */
  @state() private changed = false
  @state() private relayError: string | undefined
  @state() private rpcError: string | undefined
  @state() private rpcChecking = false
  @state() private storageMessage: string | undefined
  @state() private confirming: StoreName | undefined
  @state() private vaultConfirmed = false
  @state() private storageVersion = 0
  @state() private catalogUpdated: number | undefined

  @query('dialog#confirm') private dialog?: HTMLDialogElement
  readonly #network = new StatusController<NetworkSnapshot>(this)
  #watchedCatalog: CatalogService | undefined
  #watchedMessaging: MessagingService | undefined
  #rpcAbort: AbortController | undefined
  readonly #onCatalog = (): void => {
    this.catalogUpdated = Date.now()
  }
  readonly #onMessaging = (): void => this.requestUpdate()

  readonly #usage = new Task(this, {
    task: async ([names], { signal }) => {
      const usage = await deviceUsage(names, { signal })
      this.dataset.storageLoaded = ''
      return usage
    },
    args: () => [this.storageNames, this.storageVersion] as const,
  })

  readonly #build = new Task(this, {
    task: async (_args, { signal }) => await currentBuildCid(signal),
    args: () => [],
  })

  override connectedCallback(): void {
    super.connectedCallback()
    this.settings = loadSettings(this.settingsKey)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.#rpcAbort?.abort()
    this.#watch(undefined, undefined)
  }

  override willUpdate(changed: Map<string, unknown>): void {
    this.#network.source = this.network
    if (changed.has('settingsKey')) this.settings = loadSettings(this.settingsKey)
    this.#watch(this.catalog, this.messaging)
  }

  #watch(catalog: CatalogService | undefined, messaging: MessagingService | undefined): void {
    if (catalog !== this.#watchedCatalog) {
      this.#watchedCatalog?.removeEventListener('change', this.#onCatalog)
      this.#watchedCatalog = catalog
      catalog?.addEventListener('change', this.#onCatalog)
    }
    if (messaging !== this.#watchedMessaging) {
      this.#watchedMessaging?.removeEventListener('change', this.#onMessaging)
      this.#watchedMessaging = messaging
      messaging?.addEventListener('change', this.#onMessaging)
    }
  }

  #save(next: DeviceSettings): void {
    this.settings = next
    saveSettings(next, this.settingsKey)
    this.changed = true
  }

  get #relays(): string[] {
    return this.settings.relays ?? this.config?.relays ?? []
  }

  #addRelay(e: Event): void {
    e.preventDefault()
    const form = e.target as HTMLFormElement
    const input = form.querySelector<HTMLInputElement>('input')!
    try {
      this.#save({ ...this.settings, relays: addRelay(this.#relays, input.value) })
      this.relayError = undefined
      input.value = ''
    } catch (err) {
      this.relayError = settingsErrorText(err)
    }
  }

  #removeRelay(addr: string): void {
    this.#save({ ...this.settings, relays: this.#relays.filter((r) => r !== addr) })
  }

  #resetRelays(): void {
    const { relays: _dropped, ...rest } = this.settings
    this.#save(rest)
    this.relayError = undefined
  }

  async #saveRpc(e: Event): Promise<void> {
    e.preventDefault()
    const config = this.config
    if (!config) return
    const input = (e.target as HTMLFormElement).querySelector<HTMLInputElement>('input')!
    this.#rpcAbort?.abort()
    const abort = (this.#rpcAbort = new AbortController())
    this.rpcChecking = true
    this.rpcError = undefined
    try {
      const url = await checkRpcUrl(input.value, config, { signal: abort.signal })
      this.#save({ ...this.settings, rpcUrl: url })
      input.value = ''
    } catch (err) {
      if (!abort.signal.aborted) this.rpcError = settingsErrorText(err)
    } finally {
      if (this.#rpcAbort === abort) this.rpcChecking = false
    }
  }

  #resetRpc(): void {
    const { rpcUrl: _dropped, ...rest } = this.settings
    this.#save(rest)
    this.rpcError = undefined
  }

  #askClear(store: StoreName): void {
    this.confirming = store
    this.vaultConfirmed = false
    void this.updateComplete.then(() => this.dialog?.showModal())
  }

  #closeDialog(): void {
    this.dialog?.close()
    this.confirming = undefined
    this.vaultConfirmed = false
  }

  async #clear(): Promise<void> {
    const store = this.confirming
    if (!store) return
    if (store === 'vault' && !this.vaultConfirmed) return
    this.#closeDialog()
    try {
      const result = await clearStore(store, { ...this.storageNames, confirmVault: store === 'vault' })
      const name = storeLabel(store)
      this.storageMessage =
        result === 'cleared'
          ? msg(str`${name}: cleared.`, { id: 'settings.cleared' })
          : msg(str`${name}: Souk is using it now, so it is cleared when Souk restarts.`, {
              id: 'settings.clearBlocked',
            })
      if (result === 'blocked') this.changed = true
    } catch (err) {
      this.storageMessage = err instanceof Error ? err.message : String(err)
    }
    this.storageVersion++
  }

  #section(id: string, title: string, body: unknown) {
    return html`<section aria-labelledby=${`h-${id}`} data-section=${id}>
      <h3 id=${`h-${id}`}>${title}</h3>
      ${body}
    </section>`
  }

  #relaySection() {
    const net = this.#network.value
    const byPeer = new Map((net?.relays ?? []).map((r) => [r.peerId, r]))
    const relays = this.#relays
    return this.#section(
      'relays',
      msg('Relays', { id: 'net.relays' }),
      html`<p class="hint">
          ${msg('Relays connect browsers and keep photos and messages while you are away.', { id: 'settings.relays.hint' })}
          ${this.settings.relays ? msg('This device uses its own list.', { id: 'settings.relays.own' }) : msg('This device uses the deployment’s list.', { id: 'settings.relays.default' })}
        </p>
        ${relays.length === 0 ? html`<p class="notice">${msg('No relay listed: Souk cannot reach the network.', { id: 'settings.relays.empty' })}</p>` : nothing}
        <ul class="rows" data-testid="relays">
          ${relays.map((addr) => {
            const s = relayState(byPeer.get(peerOf(addr)))
            return html`<li data-state=${s.key} data-addr=${addr}>
              <span
                ><code>${addr}</code><br /><span class="dot" data-tone=${s.tone ?? nothing} aria-hidden="true"></span
                >${s.text}</span
              >
              <button
                @click=${() => this.#removeRelay(addr)}
                aria-label=${msg(str`Remove relay ${peerOf(addr).slice(-8)}`, { id: 'settings.relay.remove' })}
              >
                ${msg('Remove', { id: 'sell.remove' })}
              </button>
            </li>`
          })}
        </ul>
        <form class="inline" @submit=${this.#addRelay} novalidate>
          <div style="flex: 1 1 14rem; min-width: 0">
            <label for="relay">${msg('Add a relay (multiaddr)', { id: 'settings.relay.add' })}</label>
            <input
              id="relay"
              autocomplete="off"
              spellcheck="false"
              placeholder="/dns4/…/tcp/443/wss/p2p/12D3Koo…"
              aria-invalid=${this.relayError ? 'true' : 'false'}
              aria-describedby="relay-error"
              style="width: 100%"
            />
          </div>
          <button type="submit" data-action="add-relay">${msg('Add', { id: 'settings.add' })}</button>
        </form>
        <p id="relay-error" role="alert" class="error">${this.relayError ?? nothing}</p>
        ${this.settings.relays ? html`<button @click=${this.#resetRelays} data-action="reset-relays">${msg('Reset to the deployment’s relays', { id: 'settings.relays.reset' })}</button>` : nothing}`,
    )
  }

  #networkSection() {
    const sync = this.catalog?.state
    const updated = this.catalogUpdated
    const syncText = !sync
      ? msg('not available', { id: 'settings.na' })
      : sync.status === 'ready'
        ? sync.replicating
          ? msg('up to date, exchanging new listings', { id: 'settings.sync.live' })
          : msg('ready', { id: 'settings.sync.ready' })
        : sync.status === 'failed'
          ? msg('failed', { id: 'bids.failed' })
          : msg('loading…', { id: 'settings.sync.loading' })
    return html`${this.#section(
      'diagnostics',
      msg('Network diagnostics', { id: 'diag.title' }),
      html`<souk-network-diagnostics></souk-network-diagnostics>`,
    )}
    ${this.#section(
      'catalog',
      msg('Catalog', { id: 'settings.store.catalog' }),
      html`<dl class="terms" data-testid="catalog-sync">
        <dt>${msg('State', { id: 'settings.sync.state' })}</dt>
        <dd>${syncText}</dd>
        <dt>${msg('Verified listings', { id: 'settings.sync.verified' })}</dt>
        <dd>${sync?.verified ?? '—'}</dd>
        <dt>${msg('Started from', { id: 'settings.sync.source' })}</dt>
        <dd>
          ${sync ? (sync.fromCache ? msg('this device’s saved copy', { id: 'settings.sync.cache' }) : msg('the network', { id: 'settings.sync.network' })) : '—'}
        </dd>
        <dt>${msg('Last change', { id: 'settings.sync.last' })}</dt>
        <dd>${updated ? new Date(updated).toLocaleTimeString(getLocale()) : '—'}</dd>
      </dl>`,
    )}`
  }

  #storageSection() {
    const usage = this.#usage.value
    return this.#section(
      'storage',
      msg('Storage on this device', { id: 'settings.storage' }),
      html`${
          usage?.usage !== undefined
            ? html`<p data-testid="storage-total">
                ${msg(str`${bytes(usage.usage)} used of ${bytes(usage.quota)} available.`, { id: 'settings.storage.total' })}
              </p>`
            : nothing
        }
        ${this.#usage.error ? html`<p role="alert" class="error">${String(this.#usage.error)}</p>` : nothing}
        <ul class="rows" data-testid="stores">
          ${(usage?.stores ?? []).map(
            (s) =>
              html`<li data-store=${s.name}>
                <span>
                  <strong>${storeLabel(s.name)}</strong>
                  ${s.bytes !== undefined ? html` · ${bytes(s.bytes)}` : nothing}
                  ${s.name === 'media' && s.entries !== undefined ? html` · ${msg(str`${s.entries} files`, { id: 'settings.files' })}` : nothing}
                  ${s.name !== 'media' ? html` · ${s.databases.length ? msg(str`${s.databases.length} databases`, { id: 'settings.dbs' }) : msg('empty', { id: 'settings.empty' })}` : nothing}
                  <br /><span class="hint">${storeHint(s.name)}</span>
                </span>
                <button
                  class=${s.name === 'vault' ? 'danger' : ''}
                  @click=${() => this.#askClear(s.name)}
                  data-action="clear"
                >
                  ${msg('Clear…', { id: 'settings.clear' })}
                </button>
              </li>`,
          )}
        </ul>
        <p role="status">${this.storageMessage ?? nothing}</p>`,
    )
  }

  #dialog() {
    const store = this.confirming
    const vault = store === 'vault'
    return html`<dialog
      id="confirm"
      aria-labelledby="confirm-title"
      @close=${() => {
        // Escape closed it; a close event queued by Cancel may arrive after the next showModal()
        if (!this.dialog?.open) this.confirming = undefined
      }}
    >
      ${
        store
          ? html`<h3 id="confirm-title">${msg(str`Clear ${storeLabel(store)}?`, { id: 'settings.confirm.title' })}</h3>
              <p>${storeHint(store)}</p>
              ${
                vault
                  ? html`<p class="notice">
                        ${msg('Export your bids first: the file is the only way to reveal them afterwards.', { id: 'settings.confirm.export' })}
                      </p>
                      <souk-vault-tools></souk-vault-tools>
                      <label class="check">
                        <input
                          type="checkbox"
                          data-testid="vault-confirm"
                          .checked=${this.vaultConfirmed}
                          @change=${(e: Event) => (this.vaultConfirmed = (e.target as HTMLInputElement).checked)}
                        />
                        ${msg('I exported my bids, or I will never need to reveal them.', { id: 'settings.confirm.vault' })}
                      </label>`
                  : nothing
              }
              <div class="actions">
                <button
                  class="danger"
                  data-action="confirm-clear"
                  ?disabled=${vault && !this.vaultConfirmed}
                  @click=${this.#clear}
                >
                  ${msg('Clear', { id: 'settings.confirm.yes' })}
                </button>
                <button data-action="cancel-clear" @click=${this.#closeDialog}>
                  ${msg('Cancel', { id: 'settings.cancel' })}
                </button>
              </div>`
          : nothing
      }
    </dialog>`
  }

  #rpcSection() {
    const config = this.config
    const current = this.settings.rpcUrl ?? config?.chain.rpcUrls[0]
    return this.#section(
      'rpc',
      msg('Chain RPC', { id: 'settings.rpc' }),
      html`<p>
          ${msg('In use:', { id: 'settings.rpc.current' })} <code data-testid="rpc-current">${current ?? '—'}</code>
          ${this.settings.rpcUrl ? html`<span class="hint">(${msg('this device’s own', { id: 'settings.rpc.own' })})</span>` : nothing}
        </p>
        <form class="inline" @submit=${this.#saveRpc} novalidate>
          <div style="flex: 1 1 14rem; min-width: 0">
            <label for="rpc">${msg('Use another RPC URL', { id: 'settings.rpc.label' })}</label>
            <input
              id="rpc"
              type="url"
              inputmode="url"
              autocomplete="off"
              spellcheck="false"
              placeholder="https://…"
              aria-invalid=${this.rpcError ? 'true' : 'false'}
              aria-describedby="rpc-hint rpc-error"
              style="width: 100%"
            />
          </div>
          <button type="submit" ?disabled=${this.rpcChecking || !config} data-action="save-rpc">
            ${this.rpcChecking ? msg('Checking…', { id: 'settings.rpc.checking' }) : msg('Check and save', { id: 'settings.rpc.save' })}
          </button>
        </form>
        <p class="hint" id="rpc-hint">
          ${msg(str`Saved only if it answers with chain ${config?.chain.id ?? '?'}.`, { id: 'settings.rpc.hint' })}
        </p>
        <p id="rpc-error" role="alert" class="error">${this.rpcError ?? nothing}</p>
        ${this.settings.rpcUrl ? html`<button @click=${this.#resetRpc} data-action="reset-rpc">${msg('Use the deployment’s RPC', { id: 'settings.rpc.reset' })}</button>` : nothing}`,
    )
  }

  #aboutSection() {
    const net = this.#network.value
    const key = this.messaging?.deviceKey
    const cid = this.#build.value
    return this.#section(
      'about',
      msg('About this device', { id: 'settings.about' }),
      html`<dl class="terms">
        <dt>${msg('Peer id', { id: 'settings.peerId' })}</dt>
        <dd><code data-testid="peer-id">${net?.peerId || '—'}</code></dd>
        <dt>${msg('Messaging key', { id: 'settings.messagingKey' })}</dt>
        <dd>
          ${key ? html`<code data-testid="messaging-key">${key}</code>` : msg('none yet (set up in Messages)', { id: 'settings.noKey' })}
        </dd>
        <dt>${msg('Version', { id: 'settings.version' })}</dt>
        <dd>${APP_VERSION}</dd>
        <dt>${msg('Build (IPFS CID)', { id: 'settings.build' })}</dt>
        <dd>${cid ? html`<code>${cid}</code>` : msg('not served from IPFS', { id: 'settings.noCid' })}</dd>
      </dl>`,
    )
  }

  override render() {
    const locale = getLocale() as Locale
    return html`
      <h2>${msg('Network & settings', { id: 'settings.title' })}</h2>
      ${
        this.changed
          ? html`<div class="notice" role="status" data-testid="restart">
              ${msg('Saved on this device. Souk uses it from its next start.', { id: 'settings.restart.hint' })}
              <div class="actions">
                <button class="primary" @click=${() => location.reload()}>
                  ${msg('Restart Souk now', { id: 'settings.restart' })}
                </button>
              </div>
            </div>`
          : nothing
      }
      ${this.#relaySection()} ${this.#networkSection()}
      ${this.#section(
        'language',
        msg('Language', { id: 'app.language' }),
        html`<label for="locale" class="visually-hidden">${msg('Language', { id: 'app.language' })}</label>
          <select id="locale" @change=${(e: Event) => void useLocale((e.target as HTMLSelectElement).value as Locale)}>
            ${allLocales.map((l) => html`<option value=${l} ?selected=${l === locale} lang=${l}>${LOCALE_NAMES[l]}</option>`)}
          </select>`,
      )}
      ${this.#rpcSection()}
      ${this.#section(
        'vault',
        msg('Your bid secrets', { id: 'bids.vault' }),
        html`<p class="hint">
            ${msg('Your bid amounts are kept only in this browser until you reveal them. Export them to reveal from another device.', { id: 'bids.vaultHint' })}
          </p>
          <souk-vault-tools></souk-vault-tools>`,
      )}
      ${this.#storageSection()} ${this.#aboutSection()} ${this.#dialog()}
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-settings-view': SoukSettingsView
  }
}
