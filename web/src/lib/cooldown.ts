// The offer re-post cooldown: the wait a 429 answer names in Retry-After, and how it reads.

/** The seconds to wait named by a 429 answer's Retry-After (delta seconds), else null. */
export function retryAfterSeconds(status: number, header: string | null): number | null {
  if (status !== 429) return null;
  const seconds = Number(header?.trim());
  // Without a usable header the API's documented cooldown (5 minutes) applies.
  return header !== null && /^\d+$/.test(header.trim()) && Number.isSafeInteger(seconds) ? Math.max(1, seconds) : 300;
}

/** "Re-post available in 4:05". */
export function cooldownLabel(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return `Re-post available in ${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
