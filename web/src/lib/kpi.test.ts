// KPI change against the previous period: exact on decimal strings, with the empty and "new" cases named.
import { describe, expect, it } from "vitest";
import { changeLabel, changeOf, sumDecimals, usd } from "./kpi";

describe("changeOf", () => {
  it("computes the rounded percentage up, down and flat", () => {
    expect(changeOf("30.00", "20.00")).toEqual({ kind: "percent", percent: 50, direction: "up" });
    expect(changeOf("7", "35")).toEqual({ kind: "percent", percent: -80, direction: "down" });
    expect(changeOf("10.00", "10")).toEqual({ kind: "percent", percent: 0, direction: "flat" });
    expect(changeOf("0", "12.50")).toEqual({ kind: "percent", percent: -100, direction: "down" });
  });
  it("rounds half away from zero without floating point", () => {
    expect(changeOf("1.005", "1")).toMatchObject({ percent: 1 }); // 1.01 / 1.00
    expect(changeOf("2", "3")).toMatchObject({ percent: -33 });
    expect(changeOf("0.1", "0.3")).toMatchObject({ percent: -67 });
    expect(changeOf("1.5", "1")).toMatchObject({ percent: 50 });
    expect(changeOf("0.995", "1")).toMatchObject({ percent: 0 }); // 1.00 after rounding to cents
    expect(changeOf("9.96", "10")).toEqual({ kind: "percent", percent: 0, direction: "flat" });
  });
  it("names the cases without a percentage", () => {
    expect(changeOf("0", "0.00")).toEqual({ kind: "none" });
    expect(changeOf("5", "0")).toEqual({ kind: "new" });
    expect(changeOf("abc", "5")).toEqual({ kind: "none" });
    expect(changeOf("-5", "5")).toEqual({ kind: "none" });
  });
});

describe("changeLabel", () => {
  it("labels each case", () => {
    expect(changeLabel(changeOf("30", "20"))).toBe("+50%");
    expect(changeLabel(changeOf("10", "20"))).toBe("−50%");
    expect(changeLabel(changeOf("20", "20"))).toBe("±0%");
    expect(changeLabel(changeOf("5", "0"))).toBe("new");
    expect(changeLabel(changeOf("0", "0"))).toBe("—");
  });
});

describe("usd", () => {
  it("formats dollars with cents and leaves garbage as it is", () => {
    expect(usd("1234.5")).toBe("$1,234.50");
    expect(usd("0")).toBe("$0.00");
    expect(usd("n/a")).toBe("n/a");
  });
});

describe("sumDecimals", () => {
  it("adds exactly, whatever the scales", () => {
    expect(sumDecimals(["60.5", "0.000001"])).toBe("60.500001");
    expect(sumDecimals(["0.1", "0.2"])).toBe("0.3");
    expect(sumDecimals(["10", "5"])).toBe("15");
    expect(sumDecimals(["0.50", "0.50"])).toBe("1");
    expect(sumDecimals([])).toBe("0");
  });
  it("refuses malformed or negative values", () => {
    expect(sumDecimals(["1", "x"])).toBeNull();
    expect(sumDecimals(["-1"])).toBeNull();
  });
});
