/**
 * Messaging codecs: device bindings, end-to-end encrypted message envelopes and signed presence records.
 * Pure code (no I/O), shared by browsers and relays.
 *
 * - A device has two key pairs: Ed25519 (signs envelopes and presence) and X25519 (receives content keys).
 *   The wallet binds both public keys to its address with one EIP-191 signature (`DeviceBinding`).
 * - An envelope carries a random content key wrapped for every device of the recipient (X25519 with an
 *   ephemeral key → HKDF-SHA256 → XChaCha20-Poly1305), the payload encrypted once with that key, and the
 *   sender's binding and Ed25519 signature over everything. Relays verify the signature and the binding but
 *   cannot read the payload. The id is the SHA-256 of the signed bytes, so a replay has the same id.
 */
import { ed25519, x25519 } from '@noble/curves/ed25519.js'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { randomBytes } from '@noble/ciphers/utils.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import { edSign, edVerify, x25519KeyPair, x25519Shared } from './curve25519.ts'
import { fromString, toString } from 'uint8arrays'
import { BaseError, getAddress, isAddress, verifyMessage, type Address, type Hex } from 'viem'
import { shippingAddressErrors, type ShippingAddress } from './shipping.ts'
import { parsePhotoRefs, type PhotoRef } from './message-photos.ts'

export * from './shipping.ts'

/** Largest envelope accepted anywhere (relay put, relay sync, direct delivery), bytes of its JSON. */
export const MAX_ENVELOPE_BYTES = 64 * 1024
/** Largest plaintext payload a sender may encrypt (leaves room for the key wraps and encoding). */
export const MAX_PAYLOAD_BYTES = 32 * 1024
/** A message is encrypted to at most this many devices of its recipient. */
export const MAX_DEVICES = 16
/** How long relays keep a message, and the oldest timestamp they accept. */
export const RETENTION_MS = 14 * 24 * 3600_000
/** How far in the future an envelope or presence timestamp may be (clock skew). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000
/** Longest a presence record may claim to stay valid. */
export const MAX_PRESENCE_TTL_MS = 10 * 60_000

export type MessagingErrorReason =
  | 'malformed'
  | 'oversized'
  | 'unsigned'
  | 'bad_signature'
  | 'bad_binding'
  | 'stale'
  | 'future'
  | 'not_for_me'
  | 'undecryptable'
  | 'rate_limited'
  | 'quota'
  | 'offline'
  | 'unsupported'
  // a sender's own bound: too many messages already wait on this device for recipients without a key
  | 'waiting_full'
  // a relay's limits (issue #24): the recipient's mailbox, the source's share, the relay's total
  | 'mailbox_full'
  | 'ip_quota'
  | 'peer_quota'
  | 'relay_quota'
  | 'relay_full'

/** Why an envelope, binding or presence record was refused; `reason` is what relays count. */
export class MessagingError extends BaseError {
  readonly reason: MessagingErrorReason
  constructor(reason: MessagingErrorReason, shortMessage: string, options: { cause?: Error } = {}) {
    super(shortMessage, { ...options, name: 'MessagingError' })
    this.reason = reason
  }
}

// ------------------------------------------------------------------------------------------------ bindings

/** A device's public keys bound to a wallet address by the wallet's signature. */
export interface DeviceBinding {
  address: Address
  /** Ed25519 public key, hex. */
  sign: string
  /** X25519 public key, hex. */
  box: string
  /** When the binding was made (ms since epoch). */
  created: number
  /** EIP-191 signature by `address` over `bindingText(...)`. */
  sig: Hex
}

export interface DeviceKeys {
  binding: DeviceBinding
  signSecret: Uint8Array
  boxSecret: Uint8Array
}

/** The text the wallet signs: readable, so a person sees what they agree to. */
export function bindingText(b: Pick<DeviceBinding, 'address' | 'sign' | 'box' | 'created'>): string {
  return [
    'Souk messaging key',
    `address: ${getAddress(b.address)}`,
    `signing key: ${b.sign}`,
    `encryption key: ${b.box}`,
    `created: ${new Date(b.created).toISOString()}`,
  ].join('\n')
}

/** Makes this device's key pairs and asks the wallet for the one binding signature. */
export async function createDeviceKeys(
  address: Address,
  signMessage: (text: string) => Promise<Hex>,
  now = Date.now(),
): Promise<DeviceKeys> {
  const signSecret = ed25519.utils.randomSecretKey()
  const boxSecret = x25519.utils.randomSecretKey()
  const unsigned = {
    address: getAddress(address),
    sign: bytesToHex(ed25519.getPublicKey(signSecret)),
    box: bytesToHex(x25519.getPublicKey(boxSecret)),
    created: now,
  }
  const sig = await signMessage(bindingText(unsigned))
  return { binding: { ...unsigned, sig }, signSecret, boxSecret }
}

const HEX32 = /^[0-9a-f]{64}$/
const SIG_HEX = /^0x[0-9a-fA-F]{130}$/

export function parseBinding(value: unknown): DeviceBinding {
  const v = value as Record<string, unknown> | null
  if (
    typeof v !== 'object' ||
    v === null ||
    typeof v.address !== 'string' ||
    !isAddress(v.address) ||
    typeof v.sign !== 'string' ||
    !HEX32.test(v.sign) ||
    typeof v.box !== 'string' ||
    !HEX32.test(v.box) ||
    typeof v.created !== 'number' ||
    !Number.isSafeInteger(v.created) ||
    typeof v.sig !== 'string' ||
    !SIG_HEX.test(v.sig)
  )
    throw new MessagingError('malformed', 'device binding is malformed')
  return { address: getAddress(v.address), sign: v.sign, box: v.box, created: v.created, sig: v.sig as Hex }
}

/**
 * Checks a binding's wallet signature. Results are cached (a binding is checked once per process, not once per
 * message); the cache is bounded.
 *
 * A check recovers a secp256k1 key in JavaScript, the costliest synchronous step of accepting a message. Checks
 * run one at a time, each after `pause()` (a relay passes one that gives the event loop a turn): 60 new wallets
 * flooding a relay at once used to recover 60 keys in one run of the microtask queue, hundreds of milliseconds
 * in which the relay answered nothing else. Checks of one binding asked for meanwhile share the first's result.
 */
export class BindingVerifier {
  readonly #ok = new Map<string, boolean>()
  readonly #checking = new Map<string, Promise<boolean>>()
  readonly #max: number
  readonly #pause: () => Promise<void>
  #queue: Promise<unknown> = Promise.resolve()
  constructor(max = 10_000, pause: () => Promise<void> = async () => {}) {
    this.#max = max
    this.#pause = pause
  }
  async verify(b: DeviceBinding): Promise<void> {
    // every signed field is in the key: the same signature must not vouch for another address or key
    const key = `${b.address}:${b.sign}:${b.box}:${b.created}:${b.sig}`
    let ok = this.#ok.get(key)
    if (ok === undefined) {
      let checking = this.#checking.get(key)
      if (checking === undefined) {
        checking = this.#check(b)
        this.#checking.set(key, checking)
      }
      try {
        ok = await checking
      } finally {
        this.#checking.delete(key)
      }
      if (this.#ok.size >= this.#max) this.#ok.delete(this.#ok.keys().next().value!)
      this.#ok.set(key, ok)
    }
    if (!ok) throw new MessagingError('bad_binding', `device key is not bound to ${b.address}`)
  }
  #check(b: DeviceBinding): Promise<boolean> {
    const run = this.#queue.then(async () => {
      await this.#pause()
      return await verifyMessage({ address: b.address, message: bindingText(b), signature: b.sig }).catch(() => false)
    })
    this.#queue = run.catch(() => {})
    return run
  }
}

/** Ed25519 verification (native where available) that treats malformed keys or signatures as a failed check. */
async function verifySignature(sigHex: string, bytes: Uint8Array, publicKeyHex: string): Promise<boolean> {
  try {
    return await edVerify(hexToBytes(sigHex), bytes, hexToBytes(publicKeyHex))
  } catch {
    return false
  }
}

// ------------------------------------------------------------------------------------------------ envelopes

export interface WrappedKey {
  /** The recipient device's X25519 public key, hex. */
  d: string
  /** The content key wrapped for it, base64url. */
  k: string
}

export interface Envelope {
  v: 1
  from: DeviceBinding
  to: Address
  /** Sender's clock, ms since epoch. */
  ts: number
  /** Lamport clock of the conversation: orders messages of one conversation across senders. */
  clock: number
  /** Ephemeral X25519 public key, hex. */
  epk: string
  keys: WrappedKey[]
  /** XChaCha20 nonce (24 bytes), base64url. */
  n: string
  /** Ciphertext of the payload, base64url. */
  ct: string
  /** Ed25519 signature by `from.sign` over `signingBytes`, hex. */
  sig: string
}

/** A listing id as the market numbers them (uint256, decimal). */
const LISTING_ID = /^[0-9]{1,78}$/

/** A valid address from untrusted input (fields trimmed, unknown fields dropped). Throws `MessagingError`. */
export function parseShippingAddress(value: unknown): ShippingAddress {
  const problems = Object.entries(shippingAddressErrors(value))
  if (problems.length > 0)
    throw new MessagingError(
      'malformed',
      `shipping address is invalid (${problems.map((p) => p.join(': ')).join(', ')})`,
    )
  const v = value as Record<string, string>
  const a: ShippingAddress = {
    name: v.name!.trim(),
    street: v.street!.trim(),
    city: v.city!.trim(),
    postcode: v.postcode!.trim(),
    country: v.country!.trim(),
  }
  if (v.phone) a.phone = v.phone.trim()
  return a
}

/** What is inside an envelope, readable only by the recipient's devices. `listing`: the conversation's listing. */
export type Payload =
  | { t: 'text'; text: string; listing?: string; photos?: PhotoRef[] }
  | { t: 'address'; v: 1; listing: string; address: ShippingAddress }
  | { t: 'read' | 'delivered'; ids: string[] }

/** Longest text message (characters). */
export const MAX_TEXT_CHARS = 8_000

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })
const WRAP_INFO = new TextEncoder().encode('souk-msg-v1 key wrap')
const WRAP_NONCE = new Uint8Array(24) // every wrap key is fresh (ephemeral × device), so a fixed nonce is safe

function signingBytes(e: Omit<Envelope, 'sig'>): Uint8Array {
  const f = e.from
  return encoder.encode(
    JSON.stringify([
      'souk-msg',
      e.v,
      [f.address, f.sign, f.box, f.created, f.sig],
      e.to,
      e.ts,
      e.clock,
      e.epk,
      e.keys.map((k) => [k.d, k.k]),
      e.n,
      e.ct,
    ]),
  )
}

function idOf(e: Omit<Envelope, 'sig'>): string {
  return bytesToHex(sha256(signingBytes(e))).slice(0, 32)
}

/** The message id: the first 128 bits of SHA-256 over the signed content (hex). */
export function envelopeId(e: Envelope): string {
  return idOf(e)
}

/**
 * The conversation two addresses share, whoever writes: one per listing they talk about (`listing`), plus one
 * without a listing (the same id as before conversations had listings).
 */
export function conversationId(a: Address, b: Address, listing?: string): string {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()].sort()
  const key = listing === undefined ? `souk-conv:${x}:${y}` : `souk-conv:${x}:${y}:listing:${listing}`
  return bytesToHex(sha256(encoder.encode(key))).slice(0, 32)
}

/** The key that wraps a content key for one device: X25519(secret, otherPublic) → HKDF, salted with both publics. */
async function wrapKey(
  secret: Uint8Array,
  otherPublic: Uint8Array,
  epk: Uint8Array,
  devicePub: Uint8Array,
): Promise<Uint8Array> {
  const shared = await x25519Shared(secret, otherPublic)
  const salt = new Uint8Array(64)
  salt.set(epk, 0)
  salt.set(devicePub, 32)
  return hkdf(sha256, shared, salt, WRAP_INFO, 32)
}

export interface SealOptions {
  from: DeviceKeys
  to: Address
  /** The recipient's device bindings (verified by the caller). */
  devices: DeviceBinding[]
  payload: Payload
  clock: number
  now?: number
}

/** Encrypts `payload` to every device in `devices`, signs it, and returns the envelope and its id. */
export async function sealEnvelope({ from, to, devices, payload, clock, now = Date.now() }: SealOptions): Promise<{
  envelope: Envelope
  id: string
}> {
  const plain = encoder.encode(JSON.stringify(payload))
  if (plain.byteLength > MAX_PAYLOAD_BYTES)
    throw new MessagingError('oversized', `message of ${plain.byteLength} bytes exceeds ${MAX_PAYLOAD_BYTES}`)
  const boxes = [...new Set(devices.map((d) => d.box))]
  if (boxes.length === 0) throw new MessagingError('not_for_me', `${to} has no messaging key yet`)
  if (boxes.length > MAX_DEVICES) boxes.length = MAX_DEVICES
  const contentKey = randomBytes(32)
  const { secret: esk, public: epk } = await x25519KeyPair()
  const keys = await Promise.all(
    boxes.map(async (d) => ({
      d,
      k: toString(
        xchacha20poly1305(await wrapKey(esk, hexToBytes(d), epk, hexToBytes(d)), WRAP_NONCE).encrypt(contentKey),
        'base64url',
      ),
    })),
  )
  const nonce = randomBytes(24)
  const unsigned: Omit<Envelope, 'sig'> = {
    v: 1,
    from: from.binding,
    to: getAddress(to),
    ts: now,
    clock,
    epk: bytesToHex(epk),
    keys,
    n: toString(nonce, 'base64url'),
    ct: toString(xchacha20poly1305(contentKey, nonce).encrypt(plain), 'base64url'),
  }
  const sig = bytesToHex(await edSign(signingBytes(unsigned), from.signSecret))
  return { envelope: { ...unsigned, sig }, id: idOf(unsigned) }
}

const B64 = /^[A-Za-z0-9_-]*$/

/** Structural check of an untrusted value (no crypto). Throws `MessagingError`. */
export function parseEnvelope(value: unknown): Envelope {
  const v = value as Record<string, unknown> | null
  if (typeof v !== 'object' || v === null) throw new MessagingError('malformed', 'envelope must be an object')
  if (typeof v.sig !== 'string' || v.sig.length === 0) throw new MessagingError('unsigned', 'envelope is not signed')
  if (!/^[0-9a-f]{128}$/.test(v.sig)) throw new MessagingError('malformed', 'envelope signature is malformed')
  const keys = v.keys
  if (
    v.v !== 1 ||
    typeof v.to !== 'string' ||
    !isAddress(v.to) ||
    typeof v.ts !== 'number' ||
    !Number.isSafeInteger(v.ts) ||
    typeof v.clock !== 'number' ||
    !Number.isSafeInteger(v.clock) ||
    v.clock < 0 ||
    typeof v.epk !== 'string' ||
    !HEX32.test(v.epk) ||
    typeof v.n !== 'string' ||
    v.n.length !== 32 ||
    !B64.test(v.n) ||
    typeof v.ct !== 'string' ||
    !B64.test(v.ct) ||
    !Array.isArray(keys) ||
    keys.length === 0 ||
    keys.length > MAX_DEVICES
  )
    throw new MessagingError('malformed', 'envelope is malformed')
  const parsedKeys = keys.map((k: unknown) => {
    const w = k as Record<string, unknown> | null
    if (typeof w?.d !== 'string' || !HEX32.test(w.d) || typeof w.k !== 'string' || w.k.length !== 64 || !B64.test(w.k))
      throw new MessagingError('malformed', 'envelope key wrap is malformed')
    return { d: w.d, k: w.k }
  })
  return {
    v: 1,
    from: parseBinding(v.from),
    to: getAddress(v.to),
    ts: v.ts,
    clock: v.clock,
    epk: v.epk,
    keys: parsedKeys,
    n: v.n,
    ct: v.ct,
    sig: v.sig,
  }
}

export interface VerifyOptions {
  bindings: BindingVerifier
  now?: number
  /** Oldest accepted timestamp is `now - retentionMs`. */
  retentionMs?: number
}

/**
 * Full check of an untrusted envelope: size, structure, timestamps, the sender's Ed25519 signature and the
 * wallet binding of its key. Resolves with the parsed envelope and its id; rejects with `MessagingError`.
 */
export async function verifyEnvelope(
  value: unknown,
  { bindings, now = Date.now(), retentionMs = RETENTION_MS }: VerifyOptions,
): Promise<{ envelope: Envelope; id: string }> {
  const envelope = parseEnvelope(value)
  if (envelope.ct.length > (MAX_ENVELOPE_BYTES * 4) / 3)
    throw new MessagingError('oversized', 'envelope exceeds the size cap')
  if (envelope.ts > now + MAX_CLOCK_SKEW_MS) throw new MessagingError('future', 'envelope is dated in the future')
  if (envelope.ts < now - retentionMs) throw new MessagingError('stale', 'envelope is older than relays keep messages')
  const bytes = signingBytes(envelope)
  if (!(await verifySignature(envelope.sig, bytes, envelope.from.sign)))
    throw new MessagingError('bad_signature', 'envelope signature does not match its sender key')
  await bindings.verify(envelope.from)
  return { envelope, id: bytesToHex(sha256(bytes)).slice(0, 32) }
}

/** Byte size of an envelope as it travels (its JSON). */
export function envelopeSize(e: unknown): number {
  return encoder.encode(JSON.stringify(e)).byteLength
}

/** Decrypts an envelope (already verified) with this device's keys. */
export async function openEnvelope(envelope: Envelope, keys: DeviceKeys): Promise<Payload> {
  const wrap = envelope.keys.find((k) => k.d === keys.binding.box)
  if (!wrap) throw new MessagingError('not_for_me', 'this message was not encrypted to this device')
  try {
    const epk = hexToBytes(envelope.epk)
    const kek = await wrapKey(keys.boxSecret, epk, epk, hexToBytes(keys.binding.box))
    const contentKey = xchacha20poly1305(kek, WRAP_NONCE).decrypt(fromString(wrap.k, 'base64url'))
    const plain = xchacha20poly1305(contentKey, fromString(envelope.n, 'base64url')).decrypt(
      fromString(envelope.ct, 'base64url'),
    )
    return parsePayload(JSON.parse(decoder.decode(plain)))
  } catch (err) {
    if (err instanceof MessagingError) throw err
    throw new MessagingError('undecryptable', 'message could not be decrypted', { cause: err as Error })
  }
}

/**
 * Checks a decrypted payload. Kinds are versioned: an unknown kind or version is `unsupported` (a newer app
 * sent it), a known one that breaks its rules is `malformed`; either way the message is dropped and counted.
 */
export function parsePayload(value: unknown): Payload {
  const v = value as Record<string, unknown> | null
  if (typeof v !== 'object' || v === null || typeof v.t !== 'string')
    throw new MessagingError('malformed', 'message payload is malformed')
  const listing = v.listing
  if (listing !== undefined && (typeof listing !== 'string' || !LISTING_ID.test(listing)))
    throw new MessagingError('malformed', 'message names a malformed listing id')
  if (v.t === 'text') {
    if (typeof v.text !== 'string' || v.text.length > MAX_TEXT_CHARS)
      throw new MessagingError('malformed', 'text message is malformed')
    // photos (message-photos.ts) ride in a text message, so an app without them still shows the words
    const photos = v.photos === undefined ? undefined : parsePhotoRefs(v.photos)
    return {
      t: 'text',
      text: v.text,
      ...(listing === undefined ? {} : { listing }),
      ...(photos === undefined ? {} : { photos }),
    }
  }
  if (v.t === 'address') {
    if (v.v !== 1) throw new MessagingError('unsupported', `shipping address version ${String(v.v)} is not supported`)
    if (listing === undefined) throw new MessagingError('malformed', 'a shipping address must name its listing')
    return { t: 'address', v: 1, listing, address: parseShippingAddress(v.address) }
  }
  if (
    (v?.t === 'read' || v?.t === 'delivered') &&
    Array.isArray(v.ids) &&
    v.ids.every((i) => typeof i === 'string' && /^[0-9a-f]{32}$/.test(i))
  )
    return { t: v.t, ids: v.ids as string[] }
  if (v.t === 'read' || v.t === 'delivered') throw new MessagingError('malformed', 'receipt is malformed')
  throw new MessagingError('unsupported', `message kind "${v.t.slice(0, 32)}" is not supported`)
}

// ------------------------------------------------------------------------------------------------ at rest

const LOCAL_INFO = new TextEncoder().encode('souk-msg-v1 local seal')

/** The device's key for what it keeps sealed at rest (derived from its X25519 secret, never stored itself). */
function localKey(keys: DeviceKeys): Uint8Array {
  return hkdf(sha256, keys.boxSecret, undefined, LOCAL_INFO, 32)
}

/**
 * Seals a value for this device only (XChaCha20-Poly1305 under a key derived from the device secret): how a
 * shipping address is kept in IndexedDB, so it is never stored in clear. base64url of nonce ‖ ciphertext.
 */
export function sealLocal(keys: DeviceKeys, value: unknown): string {
  const nonce = randomBytes(24)
  const ct = xchacha20poly1305(localKey(keys), nonce).encrypt(encoder.encode(JSON.stringify(value)))
  const out = new Uint8Array(24 + ct.byteLength)
  out.set(nonce, 0)
  out.set(ct, 24)
  return toString(out, 'base64url')
}

/** Opens what `sealLocal` sealed with the same device's keys. Throws `MessagingError('undecryptable')`. */
export function openLocal(keys: DeviceKeys, sealed: string): unknown {
  try {
    const bytes = fromString(sealed, 'base64url')
    const plain = xchacha20poly1305(localKey(keys), bytes.subarray(0, 24)).decrypt(bytes.subarray(24))
    return JSON.parse(decoder.decode(plain))
  } catch (err) {
    throw new MessagingError('undecryptable', 'a sealed local record could not be opened', { cause: err as Error })
  }
}

// ------------------------------------------------------------------------------------------------ presence

/** "Coordinates": where a device can be reached now. Signed by the device key; expires. */
export interface PresenceRecord {
  v: 1
  device: DeviceBinding
  peerId: string
  /** Peer ids of the relays this device is connected to. */
  relays: string[]
  seen: number
  expires: number
  /** The peer id of the device's page node that takes direct (WebRTC) deliveries, while the app has one open. */
  direct?: string
  sig: string
}

function presenceBytes(p: Omit<PresenceRecord, 'sig'>): Uint8Array {
  const d = p.device
  return encoder.encode(
    JSON.stringify([
      'souk-presence',
      p.v,
      [d.address, d.sign, d.box, d.created, d.sig],
      p.peerId,
      p.relays,
      p.seen,
      p.expires,
      // only when present, so records without it sign the same bytes as before
      ...(p.direct !== undefined ? [p.direct] : []),
    ]),
  )
}

export async function signPresence(
  keys: DeviceKeys,
  {
    peerId,
    relays,
    ttlMs = 3 * 60_000,
    now = Date.now(),
    direct,
  }: { peerId: string; relays: string[]; ttlMs?: number; now?: number; direct?: string },
): Promise<PresenceRecord> {
  const unsigned: Omit<PresenceRecord, 'sig'> = {
    v: 1,
    device: keys.binding,
    peerId,
    relays: relays.slice(0, 8),
    seen: now,
    expires: now + Math.min(ttlMs, MAX_PRESENCE_TTL_MS),
    ...(direct !== undefined ? { direct } : {}),
  }
  return { ...unsigned, sig: bytesToHex(await edSign(presenceBytes(unsigned), keys.signSecret)) }
}

/** Parses and verifies an untrusted presence record (signature, binding, times). */
export async function verifyPresence(
  value: unknown,
  { bindings, now = Date.now() }: { bindings: BindingVerifier; now?: number },
): Promise<PresenceRecord> {
  const v = value as Record<string, unknown> | null
  if (typeof v !== 'object' || v === null) throw new MessagingError('malformed', 'presence must be an object')
  if (typeof v.sig !== 'string' || v.sig.length === 0) throw new MessagingError('unsigned', 'presence is not signed')
  if (
    v.v !== 1 ||
    !/^[0-9a-f]{128}$/.test(v.sig) ||
    typeof v.peerId !== 'string' ||
    v.peerId.length > 128 ||
    !Array.isArray(v.relays) ||
    v.relays.length > 8 ||
    !v.relays.every((r) => typeof r === 'string' && r.length <= 128) ||
    typeof v.seen !== 'number' ||
    typeof v.expires !== 'number' ||
    (v.direct !== undefined && (typeof v.direct !== 'string' || v.direct.length > 128))
  )
    throw new MessagingError('malformed', 'presence record is malformed')
  const record: PresenceRecord = {
    v: 1,
    device: parseBinding(v.device),
    peerId: v.peerId,
    relays: v.relays as string[],
    seen: v.seen,
    expires: v.expires,
    ...(typeof v.direct === 'string' ? { direct: v.direct } : {}),
    sig: v.sig,
  }
  if (record.seen > now + MAX_CLOCK_SKEW_MS) throw new MessagingError('future', 'presence is dated in the future')
  if (record.expires <= now || record.expires - record.seen > MAX_PRESENCE_TTL_MS)
    throw new MessagingError('stale', 'presence record has expired')
  if (!(await verifySignature(record.sig, presenceBytes(record), record.device.sign)))
    throw new MessagingError('bad_signature', 'presence signature does not match its device key')
  await bindings.verify(record.device)
  return record
}

/** A stable id for a presence record version (device + seen), for set reconciliation. */
export function presenceId(p: PresenceRecord): string {
  return bytesToHex(sha256(encoder.encode(`${p.device.sign}:${p.seen}`))).slice(0, 32)
}

// ------------------------------------------------------------------------------------------------ pulls

/** What a device signs to pull its mail from a relay (so nobody else can list it). */
export function pullText(sign: string, after: number, ts: number): string {
  return `souk-pull:${sign}:${after}:${ts}`
}

export interface PullRequest {
  t: 'pull'
  device: DeviceBinding
  after: number
  ts: number
  sig: string
}

export async function signPull(keys: DeviceKeys, after: number, now = Date.now()): Promise<PullRequest> {
  const sig = bytesToHex(await edSign(encoder.encode(pullText(keys.binding.sign, after, now)), keys.signSecret))
  return { t: 'pull', device: keys.binding, after, ts: now, sig }
}

/** Checks a pull request's device signature and binding; returns the device's binding. */
export async function verifyPull(
  value: unknown,
  { bindings, now = Date.now() }: { bindings: BindingVerifier; now?: number },
): Promise<PullRequest> {
  const v = value as Record<string, unknown> | null
  const device = parseBinding(v?.device)
  if (
    typeof v?.after !== 'number' ||
    typeof v.ts !== 'number' ||
    typeof v.sig !== 'string' ||
    !/^[0-9a-f]{128}$/.test(v.sig)
  )
    throw new MessagingError('malformed', 'pull request is malformed')
  if (Math.abs(now - v.ts) > MAX_CLOCK_SKEW_MS) throw new MessagingError('stale', 'pull request is too old')
  if (!(await verifySignature(v.sig, encoder.encode(pullText(device.sign, v.after, v.ts)), device.sign)))
    throw new MessagingError('bad_signature', 'pull request signature does not match its device key')
  await bindings.verify(device)
  return { t: 'pull', device, after: v.after, ts: v.ts, sig: v.sig }
}
