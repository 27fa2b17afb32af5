/**
 * Protocol ids, gossip topics and wire limits shared by browsers and relays.
 *
 * Every id carries a version: a change to a frame format gets a new id, and peers keep serving the old one
 * until nobody speaks it any more.
 */

/** Request/response: "please pin these media CIDs" (browser → relay). */
export const PIN_PROTOCOL = '/souk/pin/1.0.0'

/** Request/response: "which relays do you know?" (anyone → relay). Answered on connect, then kept fresh by gossip. */
export const RELAY_LIST_PROTOCOL = '/souk/relay-list/1.0.0'

/** Gossip topic on which relays announce themselves (signed by the relay's own peer id). */
export const RELAYS_TOPIC = '/souk/relays/1.0.0'

/** Largest pin request or response frame, in bytes. A request names at most `MAX_PIN_CIDS` CIDs. */
export const MAX_PIN_FRAME_BYTES = 4_096
export const MAX_PIN_CIDS = 16

/** Largest relay list or relay announcement, in bytes. */
export const MAX_RELAY_LIST_FRAME_BYTES = 16_384
/** A relay list names at most this many relays, each with at most `MAX_RELAY_ADDRS` addresses. */
export const MAX_RELAYS_LISTED = 64
export const MAX_RELAY_ADDRS = 8

/** How long a peer may take to send a request frame before the stream is reset. */
export const REQUEST_TIMEOUT_MS = 10_000
/** How long a browser waits for a relay to fetch and pin media (the relay fetches it from the browser). */
export const PIN_TIMEOUT_MS = 60_000

/** How often a relay re-announces itself on `RELAYS_TOPIC`. */
export const RELAY_ANNOUNCE_INTERVAL_MS = 30_000

/** The catalog's OrbitDB documents database (its address also depends on the chain and market). */
export const CATALOG_DB_NAME = 'souk-catalog/1'
/** Request/response: "send me your catalog snapshot" (browser → relay); the answer is one CAR. */
export const CATALOG_SNAPSHOT_PROTOCOL = '/souk/catalog-snapshot/1.0.0'
/** Largest catalog snapshot a browser accepts, and how long it waits for it. */
export const MAX_CATALOG_SNAPSHOT_BYTES = 128 * 1024 * 1024
export const CATALOG_SNAPSHOT_TIMEOUT_MS = 60_000

// ---- messaging and presence (#13, docs/messaging.md) ----
/** Request/response: put / pull / keys between a browser and a relay, and eager pushes between relays. */
export const MESSAGES_PROTOCOL = '/souk/msg/1.0.0'
/** Delivery of envelopes to an online device (relay → browser, browser → browser). */
export const MESSAGE_DELIVER_PROTOCOL = '/souk/msg-deliver/1.0.0'
/** Anti-entropy between relays: bucketed digests, then the missing messages and presence records. */
export const MESSAGES_SYNC_PROTOCOL = '/souk/msg-sync/1.0.0'
/** Gossip topic of signed presence records ("coordinates"). */
export const PRESENCE_TOPIC = '/souk/presence/1.0.0'
/** Largest request/response frame on the message protocols (a pull page, a sync batch). */
export const MAX_MESSAGES_FRAME_BYTES = 1024 * 1024
/** How long a browser re-announces its presence, and how long its record lives. */
export const PRESENCE_INTERVAL_MS = 60_000
export const PRESENCE_TTL_MS = 3 * 60_000
