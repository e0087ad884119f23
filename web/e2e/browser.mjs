// The real browser (Debian's chromium driven by playwright-core) and waiting helpers: no sleeps, only states.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const targetDir = process.env.CARGO_TARGET_DIR ?? "/var/tmp/paygate-target";
export const SCREENSHOTS = join(targetDir, "e2e-screenshots");

export const DESKTOP = { width: 1280, height: 860 };
export const PHONE = { width: 375, height: 812 };

export async function launch() {
  const executablePath = process.env.PAYGATE_CHROMIUM ?? "/usr/bin/chromium";
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
}

export async function screenshot(page, name) {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** The page of a page or of a locator. */
const pageOf = (scope) => (typeof scope.page === "function" ? scope.page() : scope);

/** Waits until the input labelled `label` (inside `scope`) shows `text` as its error message. */
export async function fieldError(scope, label, text) {
  const input = scope.getByLabel(label, { exact: true });
  await input.waitFor();
  const handle = await input.elementHandle();
  await pageOf(scope).waitForFunction(
    ([el, expected]) => {
      const ids = (el.getAttribute("aria-describedby") ?? "").split(/\s+/).filter(Boolean);
      const invalid = el.getAttribute("aria-invalid") === "true" || el.getAttribute("data-invalid") === "true";
      return invalid &&
        ids.some((id) => document.getElementById(id)?.textContent?.includes(expected));
    },
    [handle, text],
    { timeout: 15_000 },
  );
}

/** Waits until the input labelled `label` shows no error. */
export async function noFieldError(scope, label) {
  const handle = await scope.getByLabel(label, { exact: true }).elementHandle();
  await pageOf(scope).waitForFunction((el) => el.getAttribute("aria-invalid") !== "true" && el.getAttribute("data-invalid") !== "true", handle, { timeout: 15_000 });
}

export async function waitForPath(page, pattern) {
  await page.waitForURL((url) => pattern.test(url.pathname), { timeout: 15_000 });
}

/** Picks `option` in the Mantine Select labelled `label`. */
export async function choose(scope, label, option) {
  await scope.getByRole("combobox", { name: label, exact: true }).click();
  await pageOf(scope).getByRole("option", { name: option, exact: true }).click();
}
