// Starts the real `paygate up` binary on a free port with a fresh database, and stops it (dropping the database).
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const targetDir = process.env.CARGO_TARGET_DIR ?? "/var/tmp/paygate-target";
export const BINARY = process.env.PAYGATE_BIN ?? join(targetDir, "debug", "paygate");

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A new empty database on the test server (PAYGATE_TEST_DATABASE_URL), or null to use the embedded one. */
function createDatabase() {
  const admin = process.env.PAYGATE_TEST_DATABASE_URL;
  if (!admin) return null;
  const name = `paygate_e2e_${process.pid}_${Date.now()}`;
  execFileSync("psql", [admin, "-v", "ON_ERROR_STOP=1", "-qc", `CREATE DATABASE ${name}`]);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { name, admin, url: url.toString() };
}

async function waitUntilReady(base, child, log) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`paygate exited (${child.exitCode}):\n${log.join("")}`);
    try {
      if ((await fetch(`${base}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`paygate was not ready within 120 s:\n${log.join("")}`);
}

/**
 * Starts `paygate up`. Without options: a fresh database on the test server. With `dataDir`: the
 * embedded PostgreSQL of that data dir (e.g. one `paygate demo --keep` left behind).
 */
export async function startPaygate({ dataDir: existing } = {}) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dataDir = existing ?? mkdtempSync(join(tmpdir(), "paygate-e2e-"));
  const database = existing ? null : createDatabase();
  const env = {
    ...process.env,
    PAYGATE_HTTP_ADDR: `127.0.0.1:${port}`,
    PAYGATE_PUBLIC_URL: base,
    PAYGATE_DATA_DIR: dataDir,
    PAYGATE_LOG: process.env.PAYGATE_E2E_LOG ?? "warn",
  };
  if (database) env.PAYGATE_DATABASE_URL = database.url;
  else delete env.PAYGATE_DATABASE_URL;
  const log = [];
  const child = spawn(BINARY, ["up"], { env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.on("data", (d) => log.push(String(d)));
  child.stderr.on("data", (d) => log.push(String(d)));
  await waitUntilReady(base, child, log);
  return {
    base,
    log,
    /** Whether `sql` can run: the server runs on its own fresh test database. */
    canSql: database !== null,
    /** Runs `query` on this server's own test database (fresh-database runs only); returns psql's output. */
    sql(query) {
      if (!database) throw new Error("sql() needs the fresh test database (PAYGATE_TEST_DATABASE_URL)");
      return execFileSync("psql", [database.url, "-v", "ON_ERROR_STOP=1", "-qAtc", query], { encoding: "utf8" }).trim();
    },
    /** Creates an operator account from the command line, as an operator would. */
    createOperator(username, email, password) {
      execFileSync(BINARY, ["operator", "create", "--username", username, "--email", email], { env, input: `${password}\n` });
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      if (database) {
        execFileSync("psql", [database.admin, "-qc", `DROP DATABASE IF EXISTS ${database.name} WITH (FORCE)`]);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `paygate demo --fault-swap --keep`: the scripted sandbox story, whose first exchange fails so a
 * payout stops in needs-attention. Returns the data dir it kept (the demo itself exits 1 on purpose).
 */
export function runFailingDemo() {
  const env = { ...process.env, PAYGATE_LOG: "warn" };
  delete env.PAYGATE_DATABASE_URL;
  let output;
  try {
    output = execFileSync(BINARY, ["demo", "--fault-swap", "--keep"], { env, encoding: "utf8", timeout: 300_000 });
  } catch (error) {
    output = `${error.stdout ?? ""}${error.stderr ?? ""}`;
  }
  const kept = /data kept in (\S+)/.exec(output)?.[1];
  if (!kept) throw new Error(`paygate demo kept no data dir:\n${output}`);
  return kept;
}

/** Creates an operator account in `dataDir`'s embedded database, before `paygate up` runs on it. */
export function createOperatorIn(dataDir, username, email, password) {
  const env = { ...process.env, PAYGATE_DATA_DIR: dataDir, PAYGATE_LOG: "warn" };
  delete env.PAYGATE_DATABASE_URL;
  execFileSync(BINARY, ["operator", "create", "--username", username, "--email", email], { env, input: `${password}\n` });
}
