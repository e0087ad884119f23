// The rules of SPEC §3.2 for the channel form, with the API's messages and field paths.
import { z } from "zod";
import { usdError } from "./usd";
import { walletError } from "./wallet";

export interface Currency {
  currency: string;
  network: string;
  display_name: string;
  network_name: string;
  needs_extra_id: boolean;
}

export interface ChannelRules {
  currencies: Currency[];
  /** Lowest tier price the payment provider accepts. */
  minPriceUsd: string;
}

const text = z.string();
export const channelFormSchema = z.object({
  open_channel_id: text,
  open_channel_title: text,
  open_channel_description: text,
  closed_channel_id: text,
  closed_channel_title: text,
  closed_channel_description: text,
  tiers: z.array(z.object({ price_usd: text, duration_days: text })),
  payout: z.object({
    wallet_address: text,
    currency: text,
    network: text,
    extra_id: text,
    strategy: z.enum(["instant", "threshold"]),
    threshold_usd: text,
  }),
  donations: z.object({ enabled: z.boolean(), message: text }),
  notifications: z.object({ enabled: z.boolean(), telegram_user_id: text }),
});
export type ChannelFormValues = z.infer<typeof channelFormSchema>;

export interface FieldIssue {
  path: string;
  message: string;
}

export const CHAT_ID_MESSAGE = "must be a Telegram channel id: -100 followed by 6 to 10 digits";
export const DURATION_MESSAGE = "must be 1 to 999 days, or 36500 for lifetime access";
export const USER_ID_MESSAGE = "must be a Telegram user id: a whole number from 1 to 4503599627370496";
// Control characters are exactly what these two patterns look for.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_BREAKS = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]/;

function titleError(raw: string): string | null {
  if (raw.trim() === "") return "is required";
  if ([...raw].length > 100) return "must be at most 100 characters";
  if (CONTROL.test(raw)) return "must not contain control characters";
  return null;
}

function descriptionError(raw: string): string | null {
  if ([...raw].length > 500) return "must be at most 500 characters";
  if (CONTROL_BUT_BREAKS.test(raw)) return "must not contain control characters other than line breaks";
  return null;
}

function durationError(raw: string): string | null {
  if (!/^\d+$/.test(raw.trim())) return DURATION_MESSAGE;
  const days = Number(raw.trim());
  return (days >= 1 && days <= 999) || days === 36500 ? null : DURATION_MESSAGE;
}

function userIdError(raw: string): string | null {
  if (!/^\d{1,16}$/.test(raw.trim())) return USER_ID_MESSAGE;
  const id = BigInt(raw.trim());
  return id >= 1n && id <= 2n ** 52n ? null : USER_ID_MESSAGE;
}

/** Every problem of the form, keyed by react-hook-form paths (`tiers.0.price_usd`). */
export function channelIssues(v: ChannelFormValues, rules: ChannelRules): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const check = (path: string, message: string | null) => {
    if (message) issues.push({ path, message });
  };
  const chatId = (raw: string) => (/^-100\d{6,10}$/.test(raw.trim()) ? null : CHAT_ID_MESSAGE);
  check("open_channel_id", chatId(v.open_channel_id));
  check("closed_channel_id", chatId(v.closed_channel_id));
  if (chatId(v.open_channel_id) === null && v.open_channel_id.trim() === v.closed_channel_id.trim()) {
    check("closed_channel_id", "must differ from open_channel_id");
  }
  check("open_channel_title", titleError(v.open_channel_title));
  check("closed_channel_title", titleError(v.closed_channel_title));
  check("open_channel_description", descriptionError(v.open_channel_description));
  check("closed_channel_description", descriptionError(v.closed_channel_description));
  if (v.tiers.length < 1 || v.tiers.length > 3) check("tiers", "must list 1 to 3 tiers");
  v.tiers.forEach((tier, i) => {
    check(`tiers.${i}.price_usd`, usdError(tier.price_usd, rules.minPriceUsd, "9999.99"));
    check(`tiers.${i}.duration_days`, durationError(tier.duration_days));
  });
  payoutIssues(v.payout, rules, check);
  if (v.donations.enabled) {
    const length = [...v.donations.message.trim()].length;
    if (length === 0) check("donations.message", "is required when donations are enabled");
    else if (length < 10) check("donations.message", "must be at least 10 characters");
    else if (length > 256) check("donations.message", "must be at most 256 characters");
  }
  if (v.notifications.enabled && v.notifications.telegram_user_id.trim() === "") {
    check("notifications.telegram_user_id", "is required when notifications are enabled");
  } else if (v.notifications.telegram_user_id.trim() !== "") {
    check("notifications.telegram_user_id", userIdError(v.notifications.telegram_user_id));
  }
  return issues;
}

function payoutIssues(
  p: ChannelFormValues["payout"],
  rules: ChannelRules,
  check: (path: string, message: string | null) => void,
) {
  const networks = new Set(rules.currencies.map((c) => c.network.toUpperCase()));
  const network = p.network.trim().toUpperCase();
  const currency = p.currency.trim().toUpperCase();
  if (!networks.has(network)) check("payout.network", "choose a network");
  const pair = rules.currencies.find(
    (c) => c.network.toUpperCase() === network && c.currency.toUpperCase() === currency,
  );
  if (currency === "") check("payout.currency", "choose a currency");
  else if (networks.has(network) && !pair) {
    check("payout.currency", `${currency} is not a supported payout currency on network ${network}`);
  }
  check("payout.wallet_address", networks.has(network) ? walletError(network, p.wallet_address) : null);
  if (p.extra_id.trim() !== "" && pair && !pair.needs_extra_id) {
    check("payout.extra_id", "this network does not use a memo or destination tag");
  }
  if (p.strategy === "threshold") {
    check("payout.threshold_usd", p.threshold_usd.trim() === ""
      ? "is required for the threshold strategy"
      : usdError(p.threshold_usd, "50.00", "100000.00"));
  }
}

/** The zod schema of the form with every rule above as issues on their fields. */
export function channelSchema(rules: ChannelRules) {
  return channelFormSchema.superRefine((values, ctx) => {
    for (const issue of channelIssues(values, rules)) {
      ctx.addIssue({ code: "custom", path: issue.path.split(".").map((s) => (/^\d+$/.test(s) ? Number(s) : s)), message: issue.message });
    }
  });
}

/** The API body of valid form values. */
export function toChannelBody(v: ChannelFormValues) {
  const optional = (s: string) => (s.trim() === "" ? null : s.trim());
  return {
    open_channel_id: Number(v.open_channel_id.trim()),
    open_channel_title: v.open_channel_title.trim(),
    open_channel_description: v.open_channel_description,
    closed_channel_id: Number(v.closed_channel_id.trim()),
    closed_channel_title: v.closed_channel_title.trim(),
    closed_channel_description: v.closed_channel_description,
    tiers: v.tiers.map((t) => ({ price_usd: t.price_usd.trim(), duration_days: Number(t.duration_days.trim()) })),
    payout: {
      wallet_address: v.payout.wallet_address.trim(),
      currency: v.payout.currency.trim(),
      network: v.payout.network.trim(),
      extra_id: optional(v.payout.extra_id),
      strategy: v.payout.strategy,
      threshold_usd: v.payout.strategy === "threshold" ? optional(v.payout.threshold_usd) : null,
    },
    donations: { enabled: v.donations.enabled, message: optional(v.donations.message) },
    notifications: {
      enabled: v.notifications.enabled,
      telegram_user_id: optional(v.notifications.telegram_user_id) === null ? null : Number(v.notifications.telegram_user_id.trim()),
    },
  };
}

export const emptyChannel: ChannelFormValues = {
  open_channel_id: "",
  open_channel_title: "",
  open_channel_description: "",
  closed_channel_id: "",
  closed_channel_title: "",
  closed_channel_description: "",
  tiers: [{ price_usd: "5.00", duration_days: "30" }],
  payout: { wallet_address: "", currency: "", network: "", extra_id: "", strategy: "instant", threshold_usd: "" },
  donations: { enabled: false, message: "" },
  notifications: { enabled: false, telegram_user_id: "" },
};
