// Fails when src/api/schema.ts is not what `npm run gen` makes from ../docs/openapi.json.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "paygate-gen-"));
try {
  const fresh = join(dir, "schema.ts");
  execFileSync("npx", ["openapi-typescript", "../docs/openapi.json", "-o", fresh], { stdio: "ignore" });
  if (readFileSync(fresh, "utf8") !== readFileSync("src/api/schema.ts", "utf8")) {
    console.error("src/api/schema.ts is stale: run `npm run gen` in web/ and commit the result");
    process.exit(1);
  }
  console.log("generated API client is up to date");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
