// USD amounts as the API parses them: decimal text, at most two places, within a range.

/** The API's message for `raw`, or null when it is a valid amount within [min, max]. */
export function usdError(raw: string, min: string, max: string): string | null {
  const text = raw.trim();
  if (text === "") return "is required";
  if (!/^\d+(\.\d*)?$|^\.\d+$/.test(text)) return 'must be a decimal amount such as "5.00"';
  const decimals = text.split(".")[1] ?? "";
  if (decimals.replace(/0+$/, "").length > 2) return "must have at most 2 decimal places";
  if (cents(text) < cents(min) || cents(text) > cents(max)) return `must be between ${min} and ${max}`;
  return null;
}

/** Whole cents of a valid amount (exact: no floating point). */
export function cents(text: string): bigint {
  const [whole = "0", frac = ""] = text.trim().split(".");
  return BigInt(whole || "0") * 100n + BigInt((frac + "00").slice(0, 2));
}
