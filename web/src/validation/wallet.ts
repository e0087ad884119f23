// A first, format-only check of wallet addresses per network (the API does the full checksum check).

const BASE58 = "[1-9A-HJ-NP-Za-km-z]";

const FORMATS: Record<string, { pattern: RegExp; example: string }> = {
  ETH: { pattern: /^0x[0-9a-fA-F]{40}$/, example: "0x followed by 40 hex digits" },
  BSC: { pattern: /^0x[0-9a-fA-F]{40}$/, example: "0x followed by 40 hex digits" },
  MATIC: { pattern: /^0x[0-9a-fA-F]{40}$/, example: "0x followed by 40 hex digits" },
  TRX: { pattern: new RegExp(`^T${BASE58}{33}$`), example: "T followed by 33 letters and digits" },
  BTC: {
    pattern: new RegExp(`^(bc1[02-9ac-hj-np-z]{11,87}|BC1[02-9AC-HJ-NP-Z]{11,87}|[13]${BASE58}{25,34})$`),
    example: "bc1…, 1… or 3…",
  },
  LTC: {
    pattern: new RegExp(`^(ltc1[02-9ac-hj-np-z]{11,87}|[LM3]${BASE58}{25,34})$`),
    example: "ltc1…, L…, M… or 3…",
  },
  DOGE: { pattern: new RegExp(`^[DA9]${BASE58}{25,34}$`), example: "D…" },
  XMR: { pattern: new RegExp(`^[48]${BASE58}{94}$|^4${BASE58}{105}$`), example: "95 characters starting with 4 or 8" },
  SOL: { pattern: new RegExp(`^${BASE58}{32,44}$`), example: "32 to 44 base58 characters" },
  XRP: { pattern: new RegExp(`^r${BASE58}{24,34}$`), example: "r…" },
};

/** The message for an address that cannot be right for `network`, or null when it may be. */
export function walletError(network: string, raw: string): string | null {
  const address = raw.trim();
  if (address === "") return "enter a wallet address";
  if (/\s/.test(raw.trim())) return "the address must not contain spaces";
  const format = FORMATS[network.toUpperCase()];
  if (format && !format.pattern.test(address)) {
    return `this is not a ${network.toUpperCase()} address (expected ${format.example})`;
  }
  return null;
}
