// CSV export quotes what needs quoting and keeps spreadsheet formulas out.
import { describe, expect, it } from "vitest";
import { toCsv } from "./csv";

describe("toCsv", () => {
  it("writes a header and rows with CRLF line ends", () => {
    expect(toCsv(["a", "b"], [[1, "x"], [null, undefined]])).toBe("a,b\r\n1,x\r\n,\r\n");
  });
  it("quotes commas, quotes and line breaks", () => {
    expect(toCsv(["t"], [['say "hi", then\nbye']])).toBe('t\r\n"say ""hi"", then\nbye"\r\n');
  });
  it("turns formula-looking text into text but keeps negative numbers", () => {
    expect(toCsv(["t"], [["=HYPERLINK(1)"], ["-5.00"], ["@x"]])).toBe("t\r\n'=HYPERLINK(1)\r\n-5.00\r\n'@x\r\n");
  });
});
