// End-to-end: the dashboard in a real browser against the real paygate binary with a fresh database.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { DESKTOP, PHONE, choose, fieldError, launch, noFieldError, screenshot, waitForPath } from "./browser.mjs";
import { startPaygate } from "./server.mjs";

const OWNER = { username: "owner_e2e", email: "owner@example.com", password: "correct horse battery" };
const OPERATOR = { username: "operator_e2e", email: "operator@example.com", password: "operator horse battery" };
// EIP-55: the right checksum, and the same address with one letter's case flipped.
const ETH_ADDRESS = "0x52908400098527886E0F7030069857D2E4169EE7";
const ETH_BAD_CHECKSUM = "0x52908400098527886E0F7030069857D2E4169Ee7";

let paygate;
let browser;
let page;
let channelPath;

async function apiLogin(login, password) {
  const response = await fetch(`${paygate.base}/api/v1/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ login, password }),
  });
  assert.equal(response.status, 200);
  return (await response.json()).access_token;
}

async function logIn(target, login, password) {
  await target.goto(`${paygate.base}/login`);
  await target.getByLabel("Username or e-mail").fill(login);
  await target.getByLabel("Password", { exact: true }).fill(password);
  await target.getByRole("button", { name: "Log in" }).click();
  // Logging in lands on the home page with its KPI cards.
  await waitForPath(target, /^\/$/);
  await target.getByTestId("kpi-revenue").waitFor();
}

describe("dashboard", () => {
  before(async () => {
    paygate = await startPaygate();
    browser = await launch();
    page = await (await browser.newContext({ viewport: DESKTOP })).newPage();
  });

  after(async () => {
    await browser?.close();
    await paygate?.stop();
  });

  test("the binary serves the dashboard at / and its client routes, with the CSP", async () => {
    for (const path of ["/", "/channels/new", "/operator/attention"]) {
      const response = await fetch(`${paygate.base}${path}`);
      assert.equal(response.status, 200, path);
      assert.match(response.headers.get("content-security-policy") ?? "", /script-src 'self'/);
      assert.match(await response.text(), /<div id="root">/);
    }
    assert.equal((await fetch(`${paygate.base}/api/v1/nothing-here`)).status, 404);
    assert.equal((await fetch(`${paygate.base}/healthz`)).status, 200);
  });

  test("sign-up shows the server's field errors, then signs in to an empty channel list", async () => {
    await page.goto(`${paygate.base}/signup`);
    await page.getByLabel("Username", { exact: true }).fill(OWNER.username);
    await page.getByLabel("E-mail", { exact: true }).fill(OWNER.email);
    await page.getByLabel("Password", { exact: true }).fill("ab");
    await page.getByRole("button", { name: "Sign up" }).click();
    await fieldError(page, "Password", "must be at least 10 characters");
    // Long enough for the form, refused by the server's common-password list.
    await page.getByLabel("Password", { exact: true }).fill("password123");
    await page.getByRole("button", { name: "Sign up" }).click();
    await fieldError(page, "Password", "common passwords");
    await page.getByLabel("Password", { exact: true }).fill(OWNER.password);
    await page.getByRole("button", { name: "Sign up" }).click();
    await waitForPath(page, /^\/channels$/);
    await page.getByText("No channels yet").waitFor();
    await page.getByTestId("sandbox-banner").waitFor();
    await screenshot(page, "desktop-channels-empty");
  });

  test("the verification mail in the sandbox mailbox confirms the e-mail address", async () => {
    await page.getByRole("link", { name: "Mailbox (sandbox)" }).click();
    const mail = page.getByTestId("sandbox-mail").filter({ hasText: "Confirm" });
    await mail.waitFor();
    await screenshot(page, "desktop-mailbox");
    await mail.getByRole("link", { name: /\/verify-email\?token=/ }).click();
    await page.getByRole("button", { name: "Confirm my e-mail address" }).click();
    await page.getByText("Your e-mail address is confirmed").waitFor();
    await page.goto(`${paygate.base}/account`);
    await page.getByTestId("email-status").getByText("verified", { exact: true }).waitFor();
    // Not linked yet; the Telegram link code the readiness message points to.
    await page.getByTestId("telegram-status").getByText("Not linked").waitFor();
    await page.getByRole("button", { name: "Get a link code" }).click();
    await page.getByTestId("link-command").getByText(/^\/link [A-Za-z0-9]+$/).waitFor();
  });

  test("adding a channel shows errors on the right fields, then creates it and shows its links", async () => {
    await page.goto(`${paygate.base}/channels`);
    const currencies = (await (await fetch(`${paygate.base}/api/v1/currencies`)).json()).currencies;
    const eth = currencies.find((c) => c.currency === "ETH" && c.network === "ETH");
    await page.getByRole("link", { name: "Add channel" }).click();
    await waitForPath(page, /^\/channels\/new$/);
    const open = page.getByRole("group", { name: /^Open channel/ });
    const closed = page.getByRole("group", { name: /^Closed channel/ });
    await open.getByLabel("Chat id").fill("12345");
    await open.getByLabel("Title").fill("Alpha Signals (free)");
    await page.getByRole("button", { name: "Create channel" }).click();
    await fieldError(open, "Chat id", "must be a Telegram channel id: -100 followed by 6 to 10 digits");
    await fieldError(closed, "Title", "is required");
    await screenshot(page, "desktop-channel-form-errors");

    await open.getByLabel("Chat id").fill("-1001234567890");
    await closed.getByLabel("Chat id").fill("-1009876543210");
    await closed.getByLabel("Title").fill("Alpha Signals VIP");
    await noFieldError(open, "Chat id");
    await choose(page, "Currency", `${eth.display_name} (ETH)`);
    await choose(page, "Network", eth.network_name);
    await page.getByLabel("Wallet address").fill(ETH_BAD_CHECKSUM);
    await page.getByRole("button", { name: "Create channel" }).click();
    // The form lets this through; the API's checksum check puts its error on the field.
    await fieldError(page, "Wallet address", "checksum does not match");

    await page.getByLabel("Wallet address").fill(ETH_ADDRESS);
    await page.getByRole("button", { name: "Create channel" }).click();
    await waitForPath(page, /^\/channels\/[0-9a-f-]{36}\/links$/);
    channelPath = new URL(page.url()).pathname.replace(/\/links$/, "");
    await page.getByTestId("offer-link").first().waitFor();
    await page.getByRole("img", { name: /^QR code for \$5\.00 for 30 days/ }).waitFor();
    await page.getByRole("button", { name: "Copy link" }).first().waitFor();
    await screenshot(page, "desktop-channel-links");
    await page.getByRole("tab", { name: "Payouts" }).click();
    await page.getByText("No payouts yet.").waitFor();
    await page.getByRole("tab", { name: "Payments" }).click();
    await page.getByText("No payments yet.").waitFor();
    await page.getByRole("tab", { name: "Revenue" }).click();
    await page.getByTestId("channel-revenue").getByText("$0.00", { exact: true }).waitFor();
    await page.getByTestId("revenue-chart").waitFor();
    // Re-check answers with the fresh readiness; a channel that is not ready cannot post its offer.
    await page.getByRole("button", { name: "Check again" }).click();
    await page.getByText(/^Checked: the channel is/).waitFor();
    await page.getByTestId("offer-state").getByText("not been posted yet").waitFor();
    assert.equal(await page.getByTestId("repost-offer").isDisabled(), true, "no offer post before the channel is ready");
  });

  test("log out, then log in with the e-mail address and see the channel", async () => {
    await page.getByRole("button", { name: "Log out" }).click();
    await waitForPath(page, /^\/login$/);
    await page.goto(`${paygate.base}/channels`);
    await waitForPath(page, /^\/login$/);
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.getByLabel("Username or e-mail").fill(OWNER.email);
    await page.getByRole("button", { name: "Send the reset link" }).click();
    await page.getByTestId("forgot-sent").waitFor();
    await logIn(page, OWNER.email, OWNER.password);
    assert.equal(await page.getByTestId("kpi-subscribers-count").textContent(), "0");
    assert.equal(await page.getByTestId("kpi-revenue-value").textContent(), "$0.00");
    await page.getByTestId("revenue-chart").waitFor();
    await screenshot(page, "desktop-home-empty");
    await page.getByRole("link", { name: "Channels", exact: true }).click();
    await page.getByTestId("channel-card").getByText("Alpha Signals VIP").waitFor();
    await screenshot(page, "desktop-channels");
  });

  test("an owner cannot open operator pages, and the operator API answers 404", async () => {
    await page.goto(`${paygate.base}/operator/attention`);
    await page.getByRole("heading", { name: "Not found" }).waitFor();
    const token = await apiLogin(OWNER.username, OWNER.password);
    for (const path of ["/operator/payments", "/operator/payouts", "/operator/adapters"]) {
      await page.goto(`${paygate.base}${path}`);
      await page.getByRole("heading", { name: "Not found" }).waitFor();
    }
    assert.equal(await page.getByRole("link", { name: "All payments" }).count(), 0, "no operator links for owners");
    for (const path of ["/api/v1/operator/payouts/attention", "/api/v1/operator/wallet", "/api/v1/operator/conservation",
      "/api/v1/operator/jobs/attention", "/api/v1/operator/payments", "/api/v1/operator/payouts"]) {
      const response = await fetch(`${paygate.base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(response.status, 404, path);
    }
    for (const path of ["/api/v1/operator/jobs/1/retry", "/api/v1/operator/jobs/1/cancel"]) {
      const response = await fetch(`${paygate.base}${path}`, { method: "POST", headers: { Authorization: `Bearer ${token}` } });
      assert.equal(response.status, 404, path);
    }
  });

  test("an operator sees the attention queue with its jobs, all payments and payouts, the wallet, conservation and adapters", async (t) => {
    paygate.createOperator(OPERATOR.username, OPERATOR.email, OPERATOR.password);
    const context = await browser.newContext({ viewport: DESKTOP });
    const operatorPage = await context.newPage();
    await logIn(operatorPage, OPERATOR.username, OPERATOR.password);
    // A housekeeping job that ran out of retries: the jobs part of the queue shows it, and a retry runs it.
    // (scripts/test always gives the e2e a test database; without one the job is not planted.)
    if (!paygate.canSql) t.diagnostic("no PAYGATE_TEST_DATABASE_URL: the jobs queue is checked empty only");
    const jobId = !paygate.canSql ? null : paygate.sql(`INSERT INTO jobs (kind, payload, state, attempts, max_attempts, last_error)
      VALUES ('housekeeping.purge_finished_jobs', '{"tick": "2026-12-01T00:00:00Z"}', 'needs_attention', 5, 5,
              'e2e: the disk was full') RETURNING id`);
    await operatorPage.getByRole("link", { name: "Needs attention" }).click();
    await operatorPage.getByTestId("attention-empty").waitFor();
    if (jobId === null) {
      await operatorPage.getByTestId("jobs-empty").waitFor();
      await screenshot(operatorPage, "desktop-operator-attention");
    } else {
      const job = operatorPage.locator(`[data-testid="job-card"][data-job-id="${jobId}"]`);
      await job.getByText("e2e: the disk was full").waitFor();
      await screenshot(operatorPage, "desktop-operator-attention");
      await job.getByRole("button", { name: "Retry" }).click();
      await job.waitFor({ state: "detached", timeout: 30_000 });
      assert.equal(await operatorPage.getByTestId("job-action-error").count(), 0, "the retry was accepted");
      const deadline = Date.now() + 60_000;
      while (paygate.sql(`SELECT state FROM jobs WHERE id = ${jobId}`) !== "succeeded") {
        assert.ok(Date.now() < deadline, "the retried job ran");
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    await operatorPage.getByRole("link", { name: "All payments" }).click();
    await operatorPage.getByTestId("operator-payments-empty").waitFor();
    await operatorPage.getByRole("link", { name: "All payouts" }).click();
    await operatorPage.getByTestId("operator-payouts-empty").waitFor();
    await operatorPage.getByRole("link", { name: "Adapters" }).click();
    await operatorPage.locator('[data-adapter="wallet"][data-mode="sandbox"]').waitFor();
    await screenshot(operatorPage, "desktop-operator-adapters");
    await operatorPage.getByRole("link", { name: "Host wallet" }).click();
    await operatorPage.getByRole("heading", { name: "Host wallet" }).waitFor();
    await operatorPage.getByText("sandbox", { exact: true }).first().waitFor();
    await screenshot(operatorPage, "desktop-operator-wallet");
    await operatorPage.getByRole("link", { name: "Conservation" }).click();
    await operatorPage.getByTestId("conservation-result").getByText("Conservation holds.").waitFor();
    await screenshot(operatorPage, "desktop-operator-conservation");
    // The operator pages on a phone: nothing wider than the screen (tables scroll inside their box).
    await operatorPage.setViewportSize(PHONE);
    for (const [name, path, ready] of [
      ["phone-operator-attention", "/operator/attention", () => operatorPage.getByTestId("jobs-attention").waitFor()],
      ["phone-operator-payments", "/operator/payments", () => operatorPage.getByTestId("operator-payments-empty").waitFor()],
      ["phone-operator-adapters", "/operator/adapters", () => operatorPage.getByTestId("adapter-modes").waitFor()],
    ]) {
      await operatorPage.evaluate((to) => { window.history.pushState({}, "", to); window.dispatchEvent(new PopStateEvent("popstate")); }, path);
      await ready();
      const overflow = await operatorPage.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${name} is ${overflow}px wider than the screen`);
      await screenshot(operatorPage, name);
    }
    await context.close();
  });

  test("the main pages fit a 375 px phone screen", async () => {
    const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    const phone = await context.newPage();
    await logIn(phone, OWNER.username, OWNER.password);
    const pages = [
      ["phone-home", "/", () => phone.getByTestId("kpi-revenue").waitFor()],
      ["phone-channels", "/channels", () => phone.getByTestId("channel-card").waitFor()],
      ["phone-channel-links", `${channelPath}/links`, () => phone.getByTestId("offer-link").first().waitFor()],
      ["phone-channel-form", "/channels/new", () => phone.getByRole("button", { name: "Create channel" }).waitFor()],
      ["phone-account", "/account", () => phone.getByRole("heading", { name: "Change password" }).waitFor()],
    ];
    for (const [name, path, ready] of pages) {
      // Client-side navigation keeps the in-memory session (a reload restores it from the tab's refresh token).
      await phone.evaluate((to) => { window.history.pushState({}, "", to); window.dispatchEvent(new PopStateEvent("popstate")); }, path);
      await ready();
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${name} is ${overflow}px wider than the screen`);
      await screenshot(phone, name);
    }
    await phone.getByRole("button", { name: "Menu" }).click();
    await phone.getByRole("link", { name: "Channels" }).click();
    await waitForPath(phone, /^\/channels$/);
    await context.close();
  });

  test("the refresh token is an HttpOnly SameSite=Strict cookie, and a reload keeps the session", async () => {
    const [cookie] = (await page.context().cookies()).filter((c) => c.name === "paygate_refresh");
    assert.ok(cookie, "the refresh cookie is set");
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, "Strict");
    assert.equal(cookie.path, "/api/v1/auth");
    assert.equal(await page.evaluate(() => document.cookie.includes("paygate_refresh")), false);
    assert.equal(await page.evaluate(() => JSON.stringify(sessionStorage) + JSON.stringify(localStorage)), "{}{}");
    await page.goto(`${paygate.base}/channels`);
    await page.getByTestId("channel-card").waitFor();
    assert.equal(new URL(page.url()).pathname, "/channels");
  });

  test("a reused refresh token logs the user out with a clear message", async () => {
    const context = page.context();
    const [stale] = (await context.cookies()).filter((c) => c.name === "paygate_refresh");
    await page.reload(); // spends the stale token: the cookie now holds its successor
    await page.getByTestId("channel-card").waitFor();
    await context.addCookies([stale]); // an attacker's copy of the old token comes back
    await page.reload();
    await waitForPath(page, /^\/login$/);
    await page.getByTestId("session-ended").getByText("ended for safety").waitFor();
    await screenshot(page, "desktop-session-ended");
  });
});
