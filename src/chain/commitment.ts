/**
 * The sealed-bid commitment, computed locally exactly as `SoukStorage._commitment` does:
 * keccak256(abi.encode(chainId, market, listingId, bidder, amount, salt)). Never ask the node to compute it
 * (`commitmentFor` would send the secret to the RPC).
 */
import { bytesToHex, encodeAbiParameters, keccak256, type Address, type Hex } from 'viem'

export interface CommitmentInput {
  chainId: number
  market: Address
  listingId: bigint
  bidder: Address
  amount: bigint
  salt: Hex
}

export function computeCommitment({ chainId, market, listingId, bidder, amount, salt }: CommitmentInput): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: 'uint256' },
        { type: 'address' },
        { type: 'uint256' },
        { type: 'address' },
        { type: 'uint256' },
        { type: 'bytes32' },
      ],
      [BigInt(chainId), market, listingId, bidder, amount, salt],
    ),
  )
}

/** A fresh 32-byte secret from the platform's CSPRNG. */
export function randomSalt(): Hex {
  return bytesToHex(crypto.getRandomValues(new Uint8Array(32)))
}
