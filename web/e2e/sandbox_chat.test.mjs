// End-to-end: the sandbox Telegram chat page (/sandbox/telegram) in a real browser against the real
// paygate binary: an owner's channels, a subscriber who buys from a deep link, pays on the sandbox
// checkout and joins; someone else on the same invite is declined; sandbox time removes the member.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { DESKTOP, PHONE, launch, screenshot } from "./browser.mjs";
import { startPaygate } from "./server.mjs";

const OWNER = { username: "olga_e2e", email: "olga@example.com", password: "correct horse battery" };
const XMR_WALLET =
  "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";
/** Generous: a loaded machine is slow, not wrong. */
const PATIENCE = 60_000;

let paygate;
let browser;
let token;
let channel; // { id, open, closed, deepLink }
let invite; // the invite link Sam received
let sam;

async function api(method, path, body) {
  const response = await fetch(`${paygate.base}${path}`, {
    method,
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** The person the page plays (its `as` query parameter). */
const personOf = (page) => Number(new URL(page.url()).searchParams.get("as"));

/** Adds a person on the page and plays them; returns their Telegram id. */
async function addPerson(page, firstName, username = "") {
  await page.goto(`${paygate.base}/sandbox/telegram`);
  await page.getByPlaceholder("First name").fill(firstName);
  if (username) await page.getByPlaceholder("username (optional)").fill(username);
  await page.getByRole("button", { name: "Add a person" }).click();
  await page.waitForURL((url) => url.searchParams.has("as"));
  await page.getByRole("heading", { name: `${firstName}'s chat with` }).waitFor();
  return personOf(page);
}

/** Reloads the page (the bot works in the background) until `locator(page)` shows up. */
async function untilShown(page, locator, what) {
  const deadline = Date.now() + PATIENCE;
  for (;;) {
    if ((await locator(page).count()) > 0) return locator(page).first();
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await page.waitForTimeout(500);
    await page.reload();
  }
}

/** The section of sandbox channel `id`. */
const channelSection = (page, id) => page.locator(`.channel[data-id="${id}"]`);

/** The played person's status in channel `id`, as the page shows it. */
const statusIn = (page, id) => channelSection(page, id).locator("b.status");

async function untilStatus(page, id, wanted) {
  await untilShown(page, (p) => statusIn(p, id).filter({ hasText: new RegExp(`^${wanted}$`) }), `status ${wanted}`);
}

/** A bot button of the chat whose callback data starts with `prefix`. */
const callbackButton = (page, prefix) =>
  page.locator(`form[action="/sandbox/telegram/press"]:has(input[name="data"][value^="${prefix}"]) button`);

/** The chat's invite buttons (t.me/+ links the page follows as the played person). */
const inviteButton = (page) =>
  page.locator(`form[action="/sandbox/telegram/open"]:has(input[name="url"][value^="https://t.me/+"]) button`);

/** Opens `url` (deep link or invite) as the played person, with the page's own form. */
async function openLink(page, url) {
  await page.getByPlaceholder("https://t.me/… link").fill(url);
  await page.getByRole("button", { name: "Open link" }).click();
  await page.waitForLoadState();
}

describe("sandbox Telegram chat page", () => {
  before(async () => {
    paygate = await startPaygate();
    browser = await launch();
    const ready = await api("GET", "/readyz");
    assert.equal(ready.adapters.find((a) => a.name === "telegram")?.mode, "sandbox");
  });

  after(async () => {
    await browser?.close();
    await paygate?.stop();
  });

  test("an owner creates sandbox channels on the page, links Telegram with /link, and registers them", async () => {
    const page = await (await browser.newContext({ viewport: DESKTOP })).newPage();
    const olga = await addPerson(page, "Olga", "olga_owner");
    await page.getByText("Be a channel owner").click();
    await page.getByPlaceholder("Channel name").fill("Alpha");
    await page.getByRole("button", { name: "Create my open and closed channel" }).click();
    const open = await page.locator(".channel", { has: page.getByRole("heading", { name: "Alpha", exact: true }) }).getAttribute("data-id");
    const closed = await page.locator(".channel", { has: page.getByRole("heading", { name: "Alpha VIP", exact: true }) }).getAttribute("data-id");
    assert.ok(open && closed, "the page lists both channels with their ids");

    token = (await api("POST", "/api/v1/auth/signup", OWNER)).access_token;
    const { code } = await api("POST", "/api/v1/account/telegram-link");
    await page.getByPlaceholder("Message or /command").fill(`/link ${code}`);
    await page.getByRole("button", { name: "Send" }).click();
    await page.locator(".message", { hasText: "Linked" }).waitFor();

    const created = await api("POST", "/api/v1/channels", {
      open_channel_id: Number(open), open_channel_title: "Alpha",
      closed_channel_id: Number(closed), closed_channel_title: "Alpha VIP",
      tiers: [{ price_usd: "25.00", duration_days: 30 }],
      payout: { wallet_address: XMR_WALLET, currency: "xmr", network: "xmr", strategy: "instant" },
      donations: { enabled: false },
      notifications: { enabled: true, telegram_user_id: olga },
    });
    const checked = await api("POST", `/api/v1/channels/${created.id}/check`);
    assert.equal(checked.readiness.ready, true, JSON.stringify(checked.readiness));
    const links = await api("GET", `/api/v1/channels/${created.id}/links`);
    channel = { id: created.id, open: Number(open), closed: Number(closed), deepLink: links.tiers[0].url };
    assert.match(channel.deepLink, /^https:\/\/t\.me\/\w+\?start=/);
    await page.context().close();
  });

  test("a subscriber opens the deep link, presses the tier, pays on the sandbox checkout and joins", async () => {
    assert.ok(channel, "the owner's channel is registered");
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    sam = await addPerson(page, "Sam", "sam_e2e");
    await openLink(page, channel.deepLink);
    const tier = await untilShown(page, (p) => callbackButton(p, "pay:"), "the tier button");
    await tier.click();
    const checkoutLink = await untilShown(page, (p) => p.locator('a[href*="/sandbox/checkout/"]'), "the checkout link");
    const checkoutUrl = await checkoutLink.getAttribute("href");
    await screenshot(page, "desktop-sandbox-chat-offer");

    const checkout = await context.newPage();
    await checkout.goto(checkoutUrl);
    await checkout.getByText("Sandbox payment provider").waitFor();
    await screenshot(checkout, "desktop-sandbox-checkout");
    await checkout.getByRole("button", { name: "Pay in full" }).click();
    await checkout.waitForURL((url) => url.pathname.startsWith("/pay/"));

    const join = await untilShown(page, inviteButton, "the invite button");
    invite = await page
      .locator('form[action="/sandbox/telegram/open"] input[name="url"][value^="https://t.me/+"]')
      .last()
      .getAttribute("value");
    await join.click();
    await untilStatus(page, channel.closed, "member");
    assert.match(await channelSection(page, channel.closed).innerText(), /Sam: approved/);
    await screenshot(page, "desktop-sandbox-chat-member");
    await page.setViewportSize(PHONE);
    await screenshot(page, "phone-sandbox-chat-member");
    await context.close();
  });

  test("a second person on the same single-use invite is declined and never becomes a member", async () => {
    assert.ok(invite, "Sam received an invite");
    const page = await (await browser.newContext({ viewport: PHONE })).newPage();
    await addPerson(page, "Eve");
    await openLink(page, invite);
    await untilShown(page, (p) => channelSection(p, channel.closed).getByText(/Eve: declined/), "Eve's declined request");
    assert.notEqual((await statusIn(page, channel.closed).innerText()).trim(), "member");
    assert.match(await channelSection(page, channel.closed).innerText(), /Members: .*Sam \(member\)/);
    await screenshot(page, "phone-sandbox-chat-declined");
    await page.context().close();
  });

  test("sandbox time: the expire-now button ends the subscription and the bot removes the member", async () => {
    assert.ok(sam, "Sam is a member");
    const page = await (await browser.newContext({ viewport: DESKTOP })).newPage();
    await page.goto(`${paygate.base}/sandbox/telegram?as=${sam}`);
    await untilStatus(page, channel.closed, "member");
    await page.getByRole("button", { name: "⏩ Let my subscriptions expire now" }).click();
    await page.locator("#notice", { hasText: "1 subscription(s) expire now" }).waitFor();
    await untilStatus(page, channel.closed, "left");
    await untilShown(page, (p) => callbackButton(p, "renew:"), "the expiry message's renew button");
    assert.doesNotMatch(await channelSection(page, channel.closed).innerText(), /Sam \(member\)/);
    await screenshot(page, "desktop-sandbox-chat-expired");
    await page.context().close();
  });
});
