/**
 * Encrypted JSON keystores (Web3 Secret Storage v3: scrypt or pbkdf2, AES-128-CTR), the format
 * `cast wallet import`, geth and most wallets write, read with @ethereumjs/wallet.
 */
import { Wallet } from '@ethereumjs/wallet'
import { BaseError, bytesToHex, type Hex } from 'viem'

export class KeystoreError extends BaseError {
  constructor(message: string, cause?: unknown) {
    super(message, { name: 'KeystoreError', ...(cause instanceof Error ? { cause } : {}) })
  }
}

export async function decryptKeystore(json: string, password: string): Promise<Hex> {
  let parsed: unknown
  try {
    parsed = JSON.parse(json)
  } catch (err) {
    throw new KeystoreError('the keystore is not JSON', err)
  }
  try {
    const wallet = await Wallet.fromV3(parsed as Parameters<typeof Wallet.fromV3>[0], password, true)
    return bytesToHex(wallet.getPrivateKey())
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err)
    throw new KeystoreError(
      /mac|passphrase|password/i.test(reason) ? 'wrong keystore password' : `cannot read the keystore: ${reason}`,
      err,
    )
  }
}

/** A keystore for `privateKey` (tests; operators use `cast wallet import` or their wallet); `n` is scrypt's cost. */
export async function encryptKeystore(privateKey: Hex, password: string, { n = 262_144 } = {}): Promise<string> {
  const wallet = Wallet.fromPrivateKey(Buffer.from(privateKey.slice(2), 'hex'))
  return JSON.stringify(await wallet.toV3(password, { kdf: 'scrypt', n }))
}
