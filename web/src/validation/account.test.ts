// Sign-up rules: the same limits and messages as the API (crates/domain/src/account).
import { describe, expect, it } from "vitest";
import { signupSchema } from "./account";

const valid = { username: "alice_01", email: "alice@example.com", password: "correct horse battery" };
const errorOf = (change: Partial<typeof valid>) => {
  const result = signupSchema.safeParse({ ...valid, ...change });
  return result.success ? null : result.error.issues.map((i) => [i.path.join("."), i.message]);
};

describe("signupSchema", () => {
  it("accepts a valid sign-up", () => expect(errorOf({})).toBeNull());
  it.each([
    [{ username: "ab" }, "username", "must be at least 3 characters"],
    [{ username: "a".repeat(51) }, "username", "must be at most 50 characters"],
    [{ username: "al ice" }, "username", "may contain only letters, digits and underscores"],
    [{ email: "not-an-email" }, "email", "is not a valid e-mail address"],
    [{ password: "short" }, "password", "must be at least 10 characters"],
    [{ password: "aaaaaaaaaaaa" }, "password", "must not be one character repeated"],
  ])("rejects %j", (change, field, message) => {
    expect(errorOf(change)).toEqual([[field, message]]);
  });
});
