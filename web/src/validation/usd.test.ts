// USD amounts: the same rejections as crates/domain/src/channel/usd_tests.rs.
import { describe, expect, it } from "vitest";
import { cents, usdError } from "./usd";

describe("usdError", () => {
  it.each(["0.01", "5", "5.5", "5.00", "9999.99", "1.10", "7.000"])("accepts %s", (raw) => {
    expect(usdError(raw, "0.01", "9999.99")).toBeNull();
  });
  it.each([
    ["", "is required"],
    ["  ", "is required"],
    ["abc", 'must be a decimal amount such as "5.00"'],
    ["-1", 'must be a decimal amount such as "5.00"'],
    ["1e3", 'must be a decimal amount such as "5.00"'],
    ["1.001", "must have at most 2 decimal places"],
    ["0.00", "must be between 0.01 and 9999.99"],
    ["10000", "must be between 0.01 and 9999.99"],
  ])("rejects %j: %s", (raw, message) => {
    expect(usdError(raw, "0.01", "9999.99")).toBe(message);
  });
  it("compares exactly, without floating point", () => {
    expect(cents("0.29")).toBe(29n);
    expect(cents("100000.00")).toBe(10000000n);
    expect(usdError("49.99", "50.00", "100000.00")).toBe("must be between 50.00 and 100000.00");
  });
});
