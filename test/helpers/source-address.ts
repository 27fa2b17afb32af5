/**
 * Makes this process's outgoing HTTP and WebSocket connections (Node's global `fetch` and `WebSocket`, which
 * libp2p's WebSocket transport uses) leave from another loopback address. All of 127.0.0.0/8 reaches the
 * relays listening on 127.0.0.1, so a test or bench process can play a peer on another host: `127.0.1.1` is
 * another IP in another /24, which the relay's per-IP and per-subnet limits count apart from 127.0.0.1.
 *
 * Node's fetch and WebSocket are undici's and share its global dispatcher, which the `undici` package sets.
 */
import { Agent, setGlobalDispatcher } from 'undici'
import { isIP } from 'node:net'

export function useSourceAddress(localAddress: string): void {
  if (isIP(localAddress) === 0) throw new Error(`not an IP address: ${localAddress}`)
  setGlobalDispatcher(new Agent({ localAddress }))
}
