// Suggestions from an agent token in the grid: accept/reject per cell, per record and all; a conflict
// with both values; reading on a phone-sized screen.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Api, BASE, cell, launch, loginInBrowser, newPage, shot, sourceSql, uid } from "../lib/harness.mjs";

const table = `e2e_sugg_${uid()}`;
const email = `sugg-${uid()}@example.com`;
let browser, api, snap, tbl, agent;

const byRemote = async (remoteId) => (await api.records(snap.id, tbl.id)).find((r) => r.remote_id === String(remoteId));

before(async () => {
  sourceSql(`CREATE TABLE ${table} (id integer PRIMARY KEY, title text, price numeric);
             INSERT INTO ${table} SELECT g, 'Row ' || g, g FROM generate_series(1, 40) g;`);
  api = await Api.signup(email);
  ({ snapshot: snap, table: tbl } = await api.snapshotOf(table));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  sourceSql(`DROP TABLE IF EXISTS ${table}`);
});

test("suggestions accepted and rejected in the grid", async () => {
  const { page } = await newPage(browser);
  await loginInBrowser(page, email);
  await page.goto(`/snapshots/${snap.id}`);
  await cell(page, 0, "title").waitFor();

  // an agent token made in the console; the secret is shown once
  await page.getByRole("button", { name: "Agents" }).click();
  await page.getByLabel("Agent token name").fill("e2e agent");
  await page.getByRole("button", { name: "Create agent token" }).click();
  const secret = await page.locator("code.secret").textContent();
  assert.match(secret, /^sat_/);
  await page.getByRole("region", { name: "Agent tokens" }).getByText("e2e agent").waitFor();
  await shot(page, "10a-agent-tokens");
  agent = new Api(secret);
  await page.getByRole("button", { name: "Agents" }).click();

  const recs = await api.records(snap.id, tbl.id);
  const id = (n) => recs.find((r) => r.remote_id === String(n)).id;
  await agent.call("POST", `/snapshots/${snap.id}/suggestions`, {
    table_id: tbl.id,
    updates: [
      { record_id: id(1), values: { title: "Agent title 1" } },
      { record_id: id(2), values: { price: 222 } },
      { record_id: id(3), values: { title: "Agent title 3", price: 333 } },
      { record_id: id(4), values: { title: "Agent title 4" } },
      { record_id: id(5), values: { title: "Agent title 5" } },
    ],
  });

  // they arrive live (no reload)
  const s1 = cell(page, 0, "title").getByTestId("suggestion");
  await s1.filter({ hasText: "→ Agent title 1" }).waitFor();
  assert.match(await cell(page, 0, "title").getAttribute("class"), /suggested/);
  await shot(page, "10-suggestions");

  // per cell: accept one, reject one
  await s1.getByRole("button", { name: "Accept suggestion" }).click();
  await cell(page, 0, "title").and(page.locator(".edited")).filter({ hasText: "Agent title 1" }).waitFor();
  assert.equal(await cell(page, 0, "title").getByTestId("suggestion").count(), 0);
  await cell(page, 1, "price").getByRole("button", { name: "Reject suggestion" }).click();
  await page.waitForFunction(() => !document.querySelector('[data-row="1"][data-field="price"] [data-testid="suggestion"]'));
  assert.equal((await cell(page, 1, "price").textContent()).trim(), "2");

  // per record
  await page.locator('[aria-rowindex="3"]').getByRole("button", { name: "Accept record suggestions" }).click();
  await cell(page, 2, "price").and(page.locator(".edited")).filter({ hasText: "333" }).waitFor();
  await cell(page, 2, "title").and(page.locator(".edited")).filter({ hasText: "Agent title 3" }).waitFor();

  // all of the table
  await page.getByRole("button", { name: "Accept all suggestions" }).click();
  await cell(page, 4, "title").and(page.locator(".edited")).filter({ hasText: "Agent title 5" }).waitFor();
  await cell(page, 3, "title").and(page.locator(".edited")).filter({ hasText: "Agent title 4" }).waitFor();

  // the server agrees
  assert.deepEqual((await byRemote(1)).edits, { title: "Agent title 1" });
  assert.deepEqual((await byRemote(2)).edits, {});
  assert.deepEqual((await byRemote(2)).suggestions, {});
  assert.deepEqual((await byRemote(3)).edits, { title: "Agent title 3", price: 333 });
  assert.equal((await byRemote(5)).edits.title, "Agent title 5");
  await shot(page, "11-suggestions-accepted");
});

test("a conflict shows both values and is resolved in the grid", async () => {
  const r10 = await byRemote(10);
  await api.call("PATCH", `/snapshots/${snap.id}/tables/${tbl.id}/records/${r10.id}`, { values: { title: "Mine 10" } });
  sourceSql(`UPDATE ${table} SET title = 'Theirs 10' WHERE id = 10`);
  const { job } = await api.call("POST", `/snapshots/${snap.id}/download`, {});
  assert.equal((await api.waitJob(job.id)).state, "succeeded");

  const { page } = await newPage(browser);
  await loginInBrowser(page, email);
  await page.goto(`/snapshots/${snap.id}`);
  const c = cell(page, 9, "title");
  await c.locator(".conflict-values .mine", { hasText: "Mine 10" }).waitFor();
  await c.locator(".conflict-values .theirs", { hasText: "Theirs 10" }).waitFor();
  await shot(page, "12-conflict");
  await c.getByRole("button", { name: "Take theirs" }).click();
  await c.locator(".value", { hasText: "Theirs 10" }).waitFor();
  const after = await byRemote(10);
  assert.deepEqual(after.conflicts ?? {}, {});
  assert.equal(after.values.title, "Theirs 10");
});

test("readable on a phone-sized screen", async () => {
  const { page } = await newPage(browser, { width: 390, height: 844 });
  await loginInBrowser(page, email);
  await page.goto(`/snapshots/${snap.id}`);
  await cell(page, 0, "title").waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page does not scroll sideways (overflow ${overflow}px); the grid scrolls inside`);
  await shot(page, "13-phone-snapshot");
  await page.goto(`${BASE}/snapshots`);
  await page.getByRole("link", { name: `snap ${table}` }).waitFor();
  await shot(page, "14-phone-snapshots");
});
