// Wallet addresses: a format check per network as the owner types (the API checks checksums).
import { describe, expect, it } from "vitest";
import { BTC_ADDRESS, XMR_ADDRESS } from "./fixtures";
import { walletError } from "./wallet";

describe("walletError", () => {
  it.each([
    ["btc", BTC_ADDRESS],
    ["xmr", XMR_ADDRESS],
    ["eth", "0x52908400098527886E0F7030069857D2E4169EE7"],
    ["trx", "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7"],
    ["ton", "EQ-anything-the-API-checks"],
  ])("lets a %s address of the right shape through", (network, address) => {
    expect(walletError(network, address)).toBeNull();
  });
  it("asks for an address when empty", () => {
    expect(walletError("eth", "  ")).toBe("enter a wallet address");
  });
  it("rejects inner spaces", () => {
    expect(walletError("eth", "0x5290 8400")).toBe("the address must not contain spaces");
  });
  it("rejects an address of another network", () => {
    expect(walletError("trx", BTC_ADDRESS)).toMatch(/^this is not a TRX address/);
    expect(walletError("eth", "0x1234")).toMatch(/^this is not a ETH address/);
  });
});
