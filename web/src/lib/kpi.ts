// KPI arithmetic of the home page: change against the previous period, on decimal strings from the API.

export type Change =
  | { kind: "none" } // nothing in either period
  | { kind: "new" } // something now, nothing before: no percentage to show
  | { kind: "percent"; percent: number; direction: "up" | "down" | "flat" };

/** Scales a non-negative decimal string to an integer number of hundredths (cents); null when malformed. */
function hundredths(value: string): bigint | null {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!match) return null;
  const [, whole = "0", fraction = ""] = match;
  // Rounded half up at the second decimal.
  const cents = BigInt(whole) * 100n + BigInt((fraction + "00").slice(0, 2));
  return fraction.length > 2 && Number(fraction[2]) >= 5 ? cents + 1n : cents;
}

/** The change of `current` against `previous` (both decimal strings ≥ 0), in whole percent. */
export function changeOf(current: string, previous: string): Change {
  const now = hundredths(current);
  const before = hundredths(previous);
  if (now === null || before === null || (now === 0n && before === 0n)) return { kind: "none" };
  if (before === 0n) return { kind: "new" };
  // Rounded to the nearest whole percent, half away from zero, in integer arithmetic.
  const diff = (now - before) * 100n;
  const sign = diff < 0n ? -1n : 1n;
  const rounded = Number((diff * sign * 2n + before) / (before * 2n)) * Number(sign);
  const percent = rounded === 0 ? 0 : rounded; // never -0
  return { kind: "percent", percent, direction: percent > 0 ? "up" : percent < 0 ? "down" : "flat" };
}

/** The change as a short label: "+12%", "−40%", "±0%", "new", or "—". */
export function changeLabel(change: Change): string {
  switch (change.kind) {
    case "none":
      return "—";
    case "new":
      return "new";
    case "percent":
      return change.percent > 0 ? `+${change.percent}%` : change.percent < 0 ? `−${-change.percent}%` : "±0%";
  }
}

/** A money amount for a card: "$1,234.50" from "1234.5". */
export function usd(value: string): string {
  const amount = Number(value);
  return Number.isFinite(amount)
    ? amount.toLocaleString("en-US", { style: "currency", currency: "USD" })
    : value;
}

/** The exact sum of non-negative decimal strings ("60.5" + "0.000001" = "60.500001"); null if one is malformed. */
export function sumDecimals(values: string[]): string | null {
  const parsed = values.map((v) => /^(\d+)(?:\.(\d+))?$/.exec(v.trim()));
  if (parsed.some((m) => m === null)) return null;
  const scale = Math.max(0, ...parsed.map((m) => m?.[2]?.length ?? 0));
  const total = parsed.reduce((sum, m) => sum + BigInt(`${m?.[1] ?? "0"}${(m?.[2] ?? "").padEnd(scale, "0")}`), 0n);
  if (scale === 0) return total.toString();
  const digits = total.toString().padStart(scale + 1, "0");
  const fraction = digits.slice(-scale).replace(/0+$/, "");
  return fraction ? `${digits.slice(0, -scale)}.${fraction}` : digits.slice(0, -scale);
}
