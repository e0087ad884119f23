// The re-post cooldown from a 429's Retry-After, and its label.
import { describe, expect, it } from "vitest";
import { cooldownLabel, retryAfterSeconds } from "./cooldown";

describe("retryAfterSeconds", () => {
  it("reads the seconds of a 429 and nothing from other answers", () => {
    expect(retryAfterSeconds(429, "245")).toBe(245);
    expect(retryAfterSeconds(429, " 0 ")).toBe(1);
    expect(retryAfterSeconds(202, "245")).toBeNull();
    expect(retryAfterSeconds(409, null)).toBeNull();
  });
  it("falls back to the documented 5 minutes when the header is missing or not seconds", () => {
    expect(retryAfterSeconds(429, null)).toBe(300);
    expect(retryAfterSeconds(429, "Wed, 21 Oct 2026 07:28:00 GMT")).toBe(300);
    expect(retryAfterSeconds(429, "-5")).toBe(300);
  });
});

describe("cooldownLabel", () => {
  it("shows minutes and zero-padded seconds", () => {
    expect(cooldownLabel(245)).toBe("Re-post available in 4:05");
    expect(cooldownLabel(59.2)).toBe("Re-post available in 1:00");
    expect(cooldownLabel(0)).toBe("Re-post available in 0:00");
  });
});
