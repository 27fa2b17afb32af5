/**
 * Diagnostics for the browser P2P tests: libp2p's debug logs (e.g. `SOUK_E2E_DEBUG=libp2p:webrtc*`) and every
 * RTCPeerConnection's state changes and local candidates, kept in an in-page ring buffer. Streaming them over
 * the DevTools protocol as they happen slowed the pages enough to hide the failures they were meant to show;
 * `dumpLogs` prints a page's buffer to stderr when something failed.
 */
import type { Page } from 'playwright-core'

declare global {
  interface Window {
    /** The page's log buffer while `captureLogs` is on. */
    soukLog?: string[]
  }
}

/** Installs the log buffer before the page's scripts run; call before `page.goto`. */
export async function captureLogs(page: Page, namespaces: string): Promise<void> {
  await page.addInitScript((ns) => {
    localStorage.setItem('debug', ns)
    const lines: string[] = []
    window.soukLog = lines
    const push = (text: string): void => {
      lines.push(`${new Date().toISOString()} ${text}`)
      if (lines.length > 20_000) lines.splice(0, 5_000)
    }
    console.debug = (...args: unknown[]) =>
      push(args.map((a) => (typeof a === 'string' ? a.replace(/%c/g, '') : String(a))).join(' '))
    const Native = window.RTCPeerConnection
    let n = 0
    window.RTCPeerConnection = class extends Native {
      constructor(config?: RTCConfiguration) {
        super(config)
        const id = ++n
        push(`rtc#${id} new ${JSON.stringify(config ?? {})}`)
        for (const type of [
          'connectionstatechange',
          'iceconnectionstatechange',
          'icegatheringstatechange',
          'signalingstatechange',
        ])
          this.addEventListener(type, () =>
            push(
              `rtc#${id} ${type}: conn=${this.connectionState} ice=${this.iceConnectionState} gather=${this.iceGatheringState} sig=${this.signalingState}`,
            ),
          )
        this.addEventListener('icecandidate', (e) =>
          push(`rtc#${id} local candidate ${e.candidate?.candidate ?? 'null'}`),
        )
        const watchChannel = (ch: RTCDataChannel, how: string): void => {
          push(`rtc#${id} ${how} channel id=${ch.id} label=${ch.label} state=${ch.readyState}`)
          for (const type of ['open', 'close', 'closing', 'error'])
            ch.addEventListener(type, () => push(`rtc#${id} channel id=${ch.id} label=${ch.label} ${type}`))
        }
        const create = this.createDataChannel.bind(this)
        this.createDataChannel = (label: string, init?: RTCDataChannelInit) => {
          const ch = create(label, init)
          watchChannel(ch, 'created')
          return ch
        }
        this.addEventListener('datachannel', (e) => watchChannel(e.channel, 'incoming'))
        this.addEventListener('icecandidateerror', (e) =>
          push(`rtc#${id} candidate error ${(e as RTCPeerConnectionIceErrorEvent).errorText}`),
        )
      }
    }
  }, namespaces)
}

/** Writes the page's buffered log to stderr under a heading. */
export async function dumpLogs(page: Page, label: string): Promise<void> {
  const lines = await page.evaluate(() => window.soukLog ?? []).catch(() => [] as string[])
  process.stderr.write(`--- log of ${label} (${lines.length} lines)\n${lines.join('\n')}\n`)
}
