// The README's "Try it in 2 minutes" screenshots (docs/img/): the dashboard after `paygate demo` and the
// sandbox chat page. Not a test; run after `cargo build -p paygate-server`:
//   cd web && node e2e/readme_screenshots.mjs
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { launch } from "./browser.mjs";
import { BINARY, startPaygate } from "./server.mjs";

// The demo's owner (crates/server/src/demo/story.rs).
const OWNER = { login: "olga", password: "paygate-demo-7f3k" };
const OUT = join(import.meta.dirname, "..", "..", "docs", "img");
const VIEWPORT = { width: 1100, height: 760 };

/** Runs the whole demo, keeping its data dir; returns that dir. */
function runDemo() {
  const env = { ...process.env, PAYGATE_LOG: "warn" };
  delete env.PAYGATE_DATABASE_URL;
  const output = execFileSync(BINARY, ["demo", "--keep"], { env, encoding: "utf8", timeout: 300_000 });
  assert.match(output, /the whole story happened/);
  return /data kept in (\S+)/.exec(output)[1];
}

const paygate = await startPaygate({ dataDir: runDemo() });
const browser = await launch();
try {
  const page = await (await browser.newContext({ viewport: VIEWPORT })).newPage();
  await page.goto(`${paygate.base}/login`);
  await page.getByLabel("Username or e-mail").fill(OWNER.login);
  await page.getByLabel("Password", { exact: true }).fill(OWNER.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByTestId("kpi-revenue").waitFor();
  await page.screenshot({ path: join(OUT, "dashboard-after-demo.png") });

  await page.getByRole("link", { name: "Channels", exact: true }).click();
  await page.getByTestId("channel-card").first().waitFor();
  await page.getByTestId("channel-card").first().getByRole("link").first().click();
  await page.getByRole("tab", { name: "Payouts" }).click();
  await page.getByTestId("payout-card").first().waitFor();
  await page.screenshot({ path: join(OUT, "dashboard-payouts.png") });

  // Sam's chat: the offer, the invoice, the payment, the invite and the renewal.
  await page.goto(`${paygate.base}/sandbox/telegram`);
  const sam = page.getByRole("link", { name: /^Sam / });
  await sam.click();
  await page.getByRole("heading", { name: "Sam's chat with" }).waitFor();
  await page.setViewportSize({ width: 720, height: 1100 });
  await page.screenshot({ path: join(OUT, "sandbox-telegram.png") });
} finally {
  await browser.close();
  await paygate.stop();
}
