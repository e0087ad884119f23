// The channel form rejects what the API rejects, on the same field, with the same message.
import { describe, expect, it } from "vitest";
import { channelIssues, channelSchema, toChannelBody, type ChannelFormValues } from "./channel";
import { BTC_ADDRESS, CURRENCIES, specValues } from "./fixtures";

const rules = { currencies: CURRENCIES, minPriceUsd: "1.00" };
const tier = { price_usd: "5.00", duration_days: "30" };

function issuesAfter(change: (v: ChannelFormValues) => void) {
  const values = specValues();
  change(values);
  return channelIssues(values, rules);
}

describe("channel form rules", () => {
  it("accepts the API tests' valid body", () => {
    expect(channelIssues(specValues(), rules)).toEqual([]);
    expect(channelSchema(rules).safeParse(specValues()).success).toBe(true);
  });

  // The cases of crates/http/tests/channels.rs `each_broken_rule_is_rejected_with_its_field_path`.
  const cases: [string, (v: ChannelFormValues) => void, string][] = [
    ["empty open title", (v) => { v.open_channel_title = ""; }, "open_channel_title"],
    ["101-character closed title", (v) => { v.closed_channel_title = "x".repeat(101); }, "closed_channel_title"],
    ["501-character open description", (v) => { v.open_channel_description = "x".repeat(501); }, "open_channel_description"],
    ["control character in a description", (v) => { v.closed_channel_description = "a\u0007b"; }, "closed_channel_description"],
    ["no tiers", (v) => { v.tiers = []; }, "tiers"],
    ["four tiers", (v) => { v.tiers = [tier, tier, tier, tier]; }, "tiers"],
    ["price 0.00", (v) => { v.tiers[0] = { ...tier, price_usd: "0.00" }; }, "tiers.0.price_usd"],
    ["price 10000.00", (v) => { v.tiers[0] = { ...tier, price_usd: "10000.00" }; }, "tiers.0.price_usd"],
    ["price 1.001", (v) => { v.tiers[0] = { ...tier, price_usd: "1.001" }; }, "tiers.0.price_usd"],
    ["price abc", (v) => { v.tiers[0] = { ...tier, price_usd: "abc" }; }, "tiers.0.price_usd"],
    ["0 days", (v) => { v.tiers[0] = { ...tier, duration_days: "0" }; }, "tiers.0.duration_days"],
    ["1000 days", (v) => { v.tiers[0] = { ...tier, duration_days: "1000" }; }, "tiers.0.duration_days"],
    ["open id 1234", (v) => { v.open_channel_id = "1234"; }, "open_channel_id"],
    ["closed id without -100", (v) => { v.closed_channel_id = "-123456789"; }, "closed_channel_id"],
    ["closed id equal to open id", (v) => { v.closed_channel_id = v.open_channel_id; }, "closed_channel_id"],
    ["currency not on the network", (v) => { v.payout.currency = "DOGE"; }, "payout.currency"],
    ["BTC address for USDT on TRON", (v) => {
      v.payout = { ...v.payout, wallet_address: BTC_ADDRESS, currency: "USDT", network: "TRX", strategy: "instant", threshold_usd: "" };
    }, "payout.wallet_address"],
    ["memo on a network without memos", (v) => { v.payout.extra_id = "12345"; }, "payout.extra_id"],
    ["threshold missing", (v) => { v.payout.threshold_usd = ""; }, "payout.threshold_usd"],
    ["threshold 49.99", (v) => { v.payout.threshold_usd = "49.99"; }, "payout.threshold_usd"],
    ["donation message missing", (v) => { v.donations.message = ""; }, "donations.message"],
    ["notification user missing", (v) => { v.notifications.telegram_user_id = ""; }, "notifications.telegram_user_id"],
  ];
  it.each(cases)("rejects %s on its field only", (_name, change, field) => {
    expect(issuesAfter(change).map((i) => i.path)).toEqual([field]);
  });

  it("uses the API's messages", () => {
    expect(issuesAfter((v) => { v.payout.currency = "DOGE"; })[0]?.message).toBe("DOGE is not a supported payout currency on network XMR");
    expect(issuesAfter((v) => { v.payout.threshold_usd = ""; })[0]?.message).toBe("is required for the threshold strategy");
    expect(issuesAfter((v) => { v.tiers[0] = { ...tier, price_usd: "1.001" }; })[0]?.message).toBe("must have at most 2 decimal places");
    expect(issuesAfter((v) => { v.closed_channel_id = v.open_channel_id; })[0]?.message).toBe("must differ from open_channel_id");
  });

  it("accepts lifetime tiers, three tiers and memos where the network needs one", () => {
    expect(issuesAfter((v) => { v.tiers = [tier, { price_usd: "20", duration_days: "36500" }, tier]; })).toEqual([]);
    expect(issuesAfter((v) => {
      v.payout = { ...v.payout, currency: "XRP", network: "XRP", wallet_address: "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe", extra_id: "12345" };
    })).toEqual([]);
  });

  it("reports nested paths to zod so react-hook-form shows them on the field", () => {
    const values = specValues();
    values.tiers[0] = { ...tier, price_usd: "abc" };
    const result = channelSchema(rules).safeParse(values);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["tiers", 0, "price_usd"]);
  });

  it("builds the API body: numbers for ids and days, null for empty optional text, no threshold for instant", () => {
    const values = specValues();
    values.payout.strategy = "instant";
    const body = toChannelBody(values);
    expect(body.open_channel_id).toBe(-1001234567890);
    expect(body.tiers).toEqual([{ price_usd: "5.00", duration_days: 30 }]);
    expect(body.payout.extra_id).toBeNull();
    expect(body.payout.threshold_usd).toBeNull();
    expect(body.notifications.telegram_user_id).toBe(123456789);
  });
});
