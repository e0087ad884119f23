// Test data shared by the unit tests: the seeded currency pairs and the API tests' valid body.
import type { ChannelFormValues, Currency } from "./channel";

const pair = (currency: string, network: string, needs_extra_id = false): Currency => ({
  currency, network, display_name: currency, network_name: network, needs_extra_id,
});

export const CURRENCIES: Currency[] = [
  pair("BTC", "BTC"), pair("ETH", "ETH"), pair("USDT", "ETH"), pair("USDT", "TRX"), pair("USDT", "BSC"),
  pair("USDC", "ETH"), pair("LTC", "LTC"), pair("XMR", "XMR"), pair("TRX", "TRX"), pair("DOGE", "DOGE"),
  pair("SOL", "SOL"), pair("BNB", "BSC"), pair("XRP", "XRP", true), pair("BCH", "BCH"), pair("MATIC", "MATIC"),
  pair("TON", "TON"), pair("SHIB", "ETH"), pair("XLM", "XLM", true),
];

export const XMR_ADDRESS =
  "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";
export const BTC_ADDRESS = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq";

/** The body of the API's channel tests (`spec_body`), as form values. */
export function specValues(): ChannelFormValues {
  return {
    open_channel_id: "-1001234567890",
    open_channel_title: "Alpha Signals (free)",
    open_channel_description: "Daily market notes.\nJoin the paid channel for more.",
    closed_channel_id: "-1009876543210",
    closed_channel_title: "Alpha Signals VIP",
    closed_channel_description: "Everything, first.",
    tiers: [{ price_usd: "5.00", duration_days: "30" }],
    payout: { wallet_address: XMR_ADDRESS, currency: "XMR", network: "XMR", extra_id: "", strategy: "threshold", threshold_usd: "100.00" },
    donations: { enabled: true, message: "Thanks for supporting the channel!" },
    notifications: { enabled: true, telegram_user_id: "123456789" },
  };
}
