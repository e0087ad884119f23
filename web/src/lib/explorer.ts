// Block explorer links for transaction hashes: only for live adapters and well-formed hashes of known networks.

/** The explorers of the networks Paygate pays on, with the shape of a transaction hash there. */
const EXPLORERS: Record<string, { pattern: RegExp; url: (hash: string) => string }> = {
  eth: { pattern: /^0x[0-9a-fA-F]{64}$/, url: (h) => `https://etherscan.io/tx/${h}` },
  bsc: { pattern: /^0x[0-9a-fA-F]{64}$/, url: (h) => `https://bscscan.com/tx/${h}` },
  trx: { pattern: /^[0-9a-fA-F]{64}$/, url: (h) => `https://tronscan.org/#/transaction/${h}` },
  btc: { pattern: /^[0-9a-fA-F]{64}$/, url: (h) => `https://mempool.space/tx/${h}` },
};

/**
 * The explorer page of `hash` on `network`, or null: a sandbox adapter's hashes name nothing on a real
 * chain, and an unknown network or a malformed hash gets no link rather than a wrong one.
 */
export function explorerTxUrl(hash: string, network: string, live: boolean): string | null {
  if (!live) return null;
  const explorer = EXPLORERS[network.trim().toLowerCase()];
  const trimmed = hash.trim();
  return explorer && explorer.pattern.test(trimmed) ? explorer.url(trimmed) : null;
}
