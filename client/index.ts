// The Paygress client: fetch that pays Cashu 402s (NUT-24), with the wallet it pays from.
export { createPaygressFetch, type PaygressEvent, type PaygressOptions, type FetchLike } from "./lib/fetch.ts";
export { PaygressError, type PaygressErrorCode } from "./lib/errors.ts";
export { decodeChallenge, parseReceipt, parsePass, type Challenge, type Receipt } from "./lib/challenge.ts";
export { changeSeed, restoreTokenChange } from "./lib/change.ts";
export { DEFAULT_LIMITS, type Limits } from "./lib/caps.ts";
export { recoverToken } from "./lib/recover.ts";
export { ClientWallet, defaultWalletPath } from "./wallet/wallet.ts";

import { createPaygressFetch, type FetchLike } from "./lib/fetch.ts";

let defaultFetch: FetchLike | null = null;

/** fetch with the same signature that pays 402s from the default wallet ($PAYGRESS_WALLET or ~/.paygress/wallet.json). */
export function paygressFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  return (defaultFetch ??= createPaygressFetch())(input, init);
}
