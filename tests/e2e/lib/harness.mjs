// Shared pieces of the e2e suite: the browser, a REST client for setup, the source database, screenshots.
import { chromium } from "playwright-core";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const BASE = (process.env.SCRATCHD_URL ?? "").replace(/\/$/, "");
export const PGSOURCE_URL = process.env.PGSOURCE_URL ?? "";
if (!BASE || !PGSOURCE_URL) throw new Error("set SCRATCHD_URL and PGSOURCE_URL (see tests/e2e/README.md)");

const here = path.dirname(fileURLToPath(import.meta.url));
export const SHOTS = process.env.E2E_SCREENSHOTS ?? path.join(here, "..", "screenshots");
fs.mkdirSync(SHOTS, { recursive: true });

export const PASSWORD = "a long e2e passphrase";
export const uid = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync", "--disable-dev-shm-usage"],
  });
}

export async function newPage(browser, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport, baseURL: BASE });
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  page.on("pageerror", (e) => console.error(`[browser] ${e.message}`));
  return { context, page };
}

export async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: false });
}

/** psql against the source database; returns its unaligned output. */
export function sourceSql(sql) {
  return execFileSync("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", PGSOURCE_URL, "-c", sql], { encoding: "utf8" }).trim();
}

/** A minimal REST client for the setup the browser need not repeat. */
export class Api {
  constructor(token) {
    this.token = token;
  }
  static async signup(email) {
    const r = await fetch(`${BASE}/api/v1/auth/signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    if (r.status !== 201) throw new Error(`signup: ${r.status} ${await r.text()}`);
    return new Api((await r.json()).access_token);
  }
  async call(method, p, body) {
    const r = await fetch(`${BASE}/api/v1${p}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${p}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }
  async waitJob(id, timeoutMs = 120000) {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const j = await this.call("GET", `/jobs/${id}`);
      if (["succeeded", "failed", "cancelled"].includes(j.state)) return j;
      if (Date.now() > end) throw new Error(`job ${id} still ${j.state}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  /** An account on the source database, a snapshot with TABLE added and downloaded. */
  async snapshotOf(table) {
    const account = await this.call("POST", "/connector-accounts", {
      connector: "postgres",
      display_name: `src ${table}`,
      config: {},
      credentials: { connection_string: PGSOURCE_URL },
    });
    const snap = await this.call("POST", "/snapshots", { name: `snap ${table}` });
    const t = await this.call("POST", `/snapshots/${snap.id}/tables`, { account_id: account.id, table: `public.${table}` });
    const { job } = await this.call("POST", `/snapshots/${snap.id}/download`, {});
    const done = await this.waitJob(job.id);
    if (done.state !== "succeeded") throw new Error(`download ${done.state}: ${JSON.stringify(done.error)}`);
    return { account, snapshot: snap, table: t };
  }
  async records(snapshotId, tableId, query = "") {
    return (await this.call("GET", `/snapshots/${snapshotId}/tables/${tableId}/records?limit=1000${query}`)).items;
  }
}

/** Signs up (or logs in) through the console's own form. */
export async function signupInBrowser(page, email) {
  await page.goto("/");
  await page.getByRole("button", { name: "No account yet? Sign up" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign up", exact: true }).click();
  await page.getByRole("navigation", { name: "Main" }).waitFor();
}

export async function loginInBrowser(page, email) {
  await page.goto("/");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  await page.getByRole("navigation", { name: "Main" }).waitFor();
}

/** The grid cell of a record (by its position in the current view) and field. */
export const cell = (page, row, field) => page.locator(`.grid-scroll [data-row="${row}"][data-field="${field}"]`);
