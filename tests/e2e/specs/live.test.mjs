// Live updates over SSE: an edit in one browser context appears in another without a reload; so does an
// agent's suggestion.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Api, cell, launch, loginInBrowser, newPage, sourceSql, uid } from "../lib/harness.mjs";

const table = `e2e_live_${uid()}`;
const email = `live-${uid()}@example.com`;
let browser, api, snap, tbl;

before(async () => {
  sourceSql(`CREATE TABLE ${table} (id integer PRIMARY KEY, title text);
             INSERT INTO ${table} SELECT g, 'Live ' || g FROM generate_series(1, 30) g;`);
  api = await Api.signup(email);
  ({ snapshot: snap, table: tbl } = await api.snapshotOf(table));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  sourceSql(`DROP TABLE IF EXISTS ${table}`);
});

test("an edit in one tab appears in another without reload", async () => {
  const a = await newPage(browser);
  const b = await newPage(browser);
  for (const { page } of [a, b]) {
    await loginInBrowser(page, email);
    await page.goto(`/snapshots/${snap.id}`);
    await cell(page, 0, "title").filter({ hasText: "Live 1" }).waitFor();
    await page.getByTestId("live").filter({ hasText: "live" }).waitFor();
  }
  let navigations = 0;
  b.page.on("framenavigated", () => navigations++);

  await cell(a.page, 4, "title").dblclick();
  await a.page.getByLabel("Edit cell").fill("Changed in A");
  await a.page.keyboard.press("Enter");
  await cell(b.page, 4, "title").and(b.page.locator(".edited")).filter({ hasText: "Changed in A" }).waitFor({ timeout: 10000 });

  // an agent's suggestion arrives too
  const rec = (await api.records(snap.id, tbl.id)).find((r) => r.remote_id === "7");
  await api.call("POST", `/snapshots/${snap.id}/suggestions`, { table_id: tbl.id, updates: [{ record_id: rec.id, values: { title: "Suggested live" } }] });
  await cell(b.page, 6, "title").getByTestId("suggestion").filter({ hasText: "Suggested live" }).waitFor({ timeout: 10000 });
  assert.equal(navigations, 0, "no reload in B");
  await a.context.close();
  await b.context.close();
});
