// Explorer links: Ethereum mainnet hashes go to etherscan; sandbox, unknown networks and bad hashes get none.
import { describe, expect, it } from "vitest";
import { explorerTxUrl } from "./explorer";

const ETH_HASH = `0x${"ab12".repeat(16)}`;

describe("explorerTxUrl", () => {
  it("links a live Ethereum hash to etherscan", () => {
    expect(explorerTxUrl(ETH_HASH, "eth", true)).toBe(`https://etherscan.io/tx/${ETH_HASH}`);
    expect(explorerTxUrl(` ${ETH_HASH} `, "ETH", true)).toBe(`https://etherscan.io/tx/${ETH_HASH}`);
  });
  it("gives no link for a sandbox wallet's hash, however real it looks", () => {
    expect(explorerTxUrl(ETH_HASH, "eth", false)).toBeNull();
  });
  it("gives no link for a malformed hash or one that could change the URL", () => {
    expect(explorerTxUrl("0x1234", "eth", true)).toBeNull();
    expect(explorerTxUrl(`${ETH_HASH}/../../evil`, "eth", true)).toBeNull();
    expect(explorerTxUrl(`javascript:alert(1)`, "eth", true)).toBeNull();
  });
  it("links other known networks in their own hash format and nothing for unknown ones", () => {
    const plain = "cd34".repeat(16);
    expect(explorerTxUrl(plain, "trx", true)).toBe(`https://tronscan.org/#/transaction/${plain}`);
    expect(explorerTxUrl(plain, "btc", true)).toBe(`https://mempool.space/tx/${plain}`);
    expect(explorerTxUrl(ETH_HASH, "bsc", true)).toBe(`https://bscscan.com/tx/${ETH_HASH}`);
    expect(explorerTxUrl(plain, "eth", true)).toBeNull();
    expect(explorerTxUrl(plain, "xmr", true)).toBeNull();
  });
});
