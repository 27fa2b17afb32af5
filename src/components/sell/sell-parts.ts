/** Pieces of the sell view's template: the publishing progress and the offline notice (souk-sell-view.ts). */
import { html, nothing } from 'lit'
import { msg } from '@lit/localize'
import type { PublishProgress, PublishStage } from '../../services/types.ts'

export const STAGES: readonly PublishStage[] = ['photos', 'pinning', 'document', 'transaction', 'catalog']

export function stageLabel(s: PublishStage): string {
  switch (s) {
    case 'photos':
      return msg('Preparing photos', { id: 'sell.stage.photos' })
    case 'document':
      return msg('Writing the listing', { id: 'sell.stage.document' })
    case 'pinning':
      return msg('Storing on relays', { id: 'sell.stage.pinning' })
    case 'transaction':
      return msg('Listing on chain (confirm in your wallet)', { id: 'sell.stage.transaction' })
    default:
      return msg('Adding to the catalog', { id: 'sell.stage.catalog' })
  }
}

/** Each stage of the publication, done, active (with its count and a progress bar) or to do. */
export function progressList(p: PublishProgress | undefined) {
  if (!p) return nothing
  const at = STAGES.indexOf(p.stage)
  return html`<ol class="progress" aria-label=${msg('Progress', { id: 'sell.progress' })}>
    ${STAGES.map((s, i) => {
      const state = i < at ? 'done' : i === at ? 'active' : 'todo'
      return html`<li data-state=${state}>
        ${stageLabel(s)}${state === 'active' && p.total > 1 ? ` (${p.done}/${p.total})` : ''}${state === 'done' ? ' ✓' : ''}
        ${state === 'active' ? html`<progress max=${p.total || 1} value=${p.done} aria-label=${stageLabel(s)}></progress>` : nothing}
      </li>`
    })}
  </ol>`
}

/** What happens to the draft while offline, and a way to stop a queued publication. */
export function offlineNotice(
  { online, queued, busy }: { online: boolean; queued: boolean; busy: boolean },
  cancel: () => void,
) {
  if (online && !queued) return nothing
  return html`<div class="notice" role="status" data-testid="sell-offline">
    ${
      online
        ? msg('Back online: publishing your listing.', { id: 'sell.offline.resuming' })
        : queued
          ? msg(
              'You are offline. Your listing will be published when you are back online: the photos are stored on relays first, then your wallet asks you to confirm the listing once. The draft stays on this device until then, even if you close the page.',
              { id: 'sell.offline.queued' },
            )
          : msg(
              'You are offline. Your draft is saved on this device as you type, and nothing is lost if you close the page. Press Publish and it goes out when you are back online.',
              { id: 'sell.offline.saved' },
            )
    }
    ${
      queued && !busy
        ? html`<div>
            <button type="button" data-action="cancel-queued" @click=${cancel}>
              ${msg('Do not publish automatically', { id: 'sell.offline.cancel' })}
            </button>
          </div>`
        : nothing
    }
  </div>`
}
