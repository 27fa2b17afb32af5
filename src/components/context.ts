import { createContext } from '@lit/context'
import type { SoukConfig } from '../core/config.ts'
import type { ChainSnapshot, NetworkSnapshot, StatusSource } from '../core/status.ts'

/** The validated runtime config (`config.json`). */
export const configContext = createContext<SoukConfig | undefined>(Symbol('souk-config'))
/** Live peer-to-peer network status (relays, peers, storage). */
export const networkContext = createContext<StatusSource<NetworkSnapshot> | undefined>(Symbol('souk-network'))
/** Live chain status (RPC reachable, chain id, latest block). */
export const chainStatusContext = createContext<StatusSource<ChainSnapshot> | undefined>(Symbol('souk-chain-status'))
