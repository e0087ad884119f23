// End-to-end on the data `paygate demo --fault-swap` leaves: paid invoices and payouts on the owner's
// pages, and an operator retrying the payout that stopped in needs-attention.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { DESKTOP, PHONE, launch, screenshot, waitForPath } from "./browser.mjs";
import { createOperatorIn, runFailingDemo, startPaygate } from "./server.mjs";

// The demo's owner (crates/server/src/demo/story.rs).
const OWNER = { login: "olga", password: "paygate-demo-7f3k" };
const OPERATOR = { username: "ops_e2e", email: "ops@example.com", password: "operator horse battery" };

let paygate;
let browser;

async function logIn(page, login, password) {
  await page.goto(`${paygate.base}/login`);
  await page.getByLabel("Username or e-mail").fill(login);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await waitForPath(page, /^\/$/);
  await page.getByTestId("kpi-revenue").waitFor();
}

describe("operations on the demo's data", () => {
  before(async () => {
    const dataDir = runFailingDemo();
    createOperatorIn(dataDir, OPERATOR.username, OPERATOR.email, OPERATOR.password);
    paygate = await startPaygate({ dataDir });
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await paygate?.stop();
  });

  test("the owner's home page shows the demo's revenue, subscribers, payouts and the chart", async () => {
    const page = await (await browser.newContext({ viewport: DESKTOP })).newPage();
    await logIn(page, OWNER.login, OWNER.password);
    const revenue = page.getByTestId("kpi-revenue");
    // The demo's paid invoices are within the last 30 days: revenue is not zero, and new against nothing before.
    const value = await revenue.getByTestId("kpi-revenue-value").textContent();
    assert.match(value, /^\$\d/);
    assert.notEqual(value, "$0.00", "the demo's payments count");
    assert.equal(await page.getByTestId("kpi-revenue-change").textContent(), "new");
    await page.getByTestId("kpi-subscribers").waitFor();
    await page.getByTestId("kpi-balance").waitFor();
    const attention = Number(await page.getByTestId("kpi-attention-count").textContent());
    assert.ok(attention >= 1, "the demo's failed exchange stopped a payout");
    await page.getByTestId("revenue-chart").locator('rect:not([height="0"])').first().waitFor();
    assert.ok((await page.getByTestId("recent-payments").locator("tr").count()) >= 1);
    await page.getByTestId("recent-payouts").getByRole("link").first().waitFor();
    await screenshot(page, "desktop-home");
    await page.setViewportSize(PHONE);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the home page is ${overflow}px wider than a phone`);
    await screenshot(page, "phone-home");
    await page.context().close();
  });

  test("the owner sees paid invoices in payments and their payouts with steps", async () => {
    const page = await (await browser.newContext({ viewport: DESKTOP })).newPage();
    await logIn(page, OWNER.login, OWNER.password);
    await page.getByRole("link", { name: "Channels", exact: true }).click();
    const cards = page.getByTestId("channel-card");
    await cards.first().waitFor();
    assert.ok((await cards.count()) >= 2, "the demo registers two channels");
    await screenshot(page, "desktop-demo-channels");
    await cards.first().getByRole("link").first().click();
    await page.getByRole("tab", { name: "Payments" }).click();
    const payments = page.getByTestId("payments-table");
    await payments.waitFor();
    await payments.getByText("accepted").first().waitFor();
    await screenshot(page, "desktop-demo-payments");
    // A payment routed to a payout links to it on the payouts tab.
    const payoutLink = payments.locator('a[href*="#payout-"]').first();
    const payoutId = (await payoutLink.getAttribute("href")).split("#payout-")[1];
    await payoutLink.click();
    await page.locator(`[data-testid="payout-card"][data-payout-id="${payoutId}"]`).waitFor();
    await page.getByRole("tab", { name: "Payouts" }).click();
    await page.getByTestId("payout-card").first().waitFor();
    await screenshot(page, "desktop-demo-payouts");
    await page.setViewportSize(PHONE);
    await screenshot(page, "phone-demo-payouts");
    await page.context().close();
  });

  test("an operator cancels the payout whose exchange failed, and it leaves the queue", async () => {
    const page = await (await browser.newContext({ viewport: DESKTOP })).newPage();
    await logIn(page, OPERATOR.username, OPERATOR.password);
    await page.getByRole("link", { name: "Needs attention" }).click();
    // The queue has two parts: payouts, and jobs that ran out of retries.
    await page.getByTestId("jobs-attention").getByRole("heading", { name: "Jobs" }).waitFor();
    await page.getByTestId("jobs-attention").locator('[data-testid="jobs-empty"], [data-testid="job-card"]').first().waitFor();
    const stuck = page.getByTestId("payout-card").first();
    await stuck.waitFor();
    const id = await stuck.getAttribute("data-payout-id");
    const status = await stuck.getAttribute("data-status");
    await screenshot(page, "desktop-operator-attention-item");
    assert.equal(status, "failed", "the demo's failed exchange");
    // A failed exchange cannot be retried (only needs_attention can): the operator cancels it.
    assert.equal(await stuck.getByRole("button", { name: "Retry" }).count(), 0);
    page.once("dialog", (dialog) => void dialog.accept());
    await stuck.getByRole("button", { name: "Cancel" }).click();
    // Cancelled: the payout leaves the queue, or shows its new status.
    await page.waitForFunction(
      ([payout, stopped]) => {
        const card = document.querySelector(`[data-payout-id="${payout}"]`);
        return card === null || card.getAttribute("data-status") !== stopped;
      },
      [id, status],
      { timeout: 30_000 },
    );
    assert.equal(await page.getByTestId("action-error").count(), 0, "the cancel was accepted");
    await page.context().close();
  });
});
