// API error envelopes become field errors on the right form paths.
import { describe, expect, it } from "vitest";
import { ApiFailure, formPath } from "./errors";

describe("API errors", () => {
  it("maps API field paths to form paths", () => {
    expect(formPath("tiers[0].price_usd")).toBe("tiers.0.price_usd");
    expect(formPath("payout.wallet_address")).toBe("payout.wallet_address");
    expect(formPath("tiers[12].duration_days")).toBe("tiers.12.duration_days");
  });
  it("reads the error envelope", () => {
    const failure = new ApiFailure(422, {
      error: { code: "validation_failed", message: "some fields are invalid", fields: [{ field: "payout.extra_id", message: "x" }] },
    });
    expect(failure.code).toBe("validation_failed");
    expect(failure.fields).toEqual([{ field: "payout.extra_id", message: "x" }]);
  });
  it("survives a body that is not an envelope", () => {
    const failure = new ApiFailure(502, "Bad Gateway");
    expect(failure.code).toBe("unknown");
    expect(failure.message).toBe("request failed (502)");
  });
});
