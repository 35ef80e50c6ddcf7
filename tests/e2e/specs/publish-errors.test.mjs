// A publish that fails for some records: the result names them, the grid marks each with its error.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Api, cell, launch, loginInBrowser, newPage, shot, sourceSql, uid } from "../lib/harness.mjs";

const table = `e2e_pub_${uid()}`;
const email = `pub-${uid()}@example.com`;
let browser, api, snap;

before(async () => {
  sourceSql(`CREATE TABLE ${table} (id integer PRIMARY KEY, title text, price numeric CHECK (price >= 0));
             INSERT INTO ${table} SELECT g, 'P ' || g, g FROM generate_series(1, 20) g;`);
  api = await Api.signup(email);
  ({ snapshot: snap } = await api.snapshotOf(table));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  sourceSql(`DROP TABLE IF EXISTS ${table}`);
});

const edit = async (page, row, field, text) => {
  await cell(page, row, field).dblclick();
  await page.getByLabel("Edit cell").fill(text);
  await page.keyboard.press("Enter");
  await cell(page, row, field).and(page.locator(".edited")).filter({ hasText: text }).waitFor();
};

test("errors shown on a failed publish", async () => {
  const { page } = await newPage(browser);
  await loginInBrowser(page, email);
  await page.goto(`/snapshots/${snap.id}`);
  await cell(page, 0, "title").filter({ hasText: "P 1" }).waitFor();
  await edit(page, 0, "price", "-5"); // violates the CHECK constraint at the source
  await edit(page, 1, "title", "P 2 fine");

  await page.getByRole("button", { name: /^Publish/ }).click();
  const dialog = page.getByRole("dialog", { name: "Publish" });
  await dialog.locator(".count-updates").filter({ hasText: "2" }).waitFor();
  await dialog.getByRole("button", { name: "Publish 2 changes" }).click();
  await dialog.getByText("Published with errors").waitFor({ timeout: 60000 });
  await dialog.locator(".failures li", { hasText: "constraint_violation" }).waitFor();
  assert.match(await dialog.getByLabel("Publish result").textContent(), /update: 1 ok, 1 failed/);
  await shot(page, "15-publish-errors");
  await dialog.getByRole("button", { name: "Close" }).last().click();

  // the failed record keeps its edit and shows its error; the other one is published
  const row = page.locator('[role="row"][aria-rowindex="1"]');
  await row.getByRole("note").filter({ hasText: /check|constraint/i }).waitFor();
  assert.match(await cell(page, 0, "price").getAttribute("class"), /edited/);
  await cell(page, 0, "title").click();
  await page.getByLabel("Active record").filter({ hasText: /Publish failed: constraint_violation — .*check/i }).waitFor();
  await page.getByLabel("Show").selectOption("errors");
  await page.locator(".grid-status", { hasText: "1 of 1 loaded" }).waitFor();
  await shot(page, "16-grid-publish-error");
  assert.equal(sourceSql(`SELECT title FROM ${table} WHERE id = 2`), "P 2 fine");
  assert.equal(sourceSql(`SELECT price FROM ${table} WHERE id = 1`), "1");

  // delete the snapshot (after a confirmation)
  page.once("dialog", (d) => d.accept());
  await page.getByText("More", { exact: true }).click();
  await page.getByText("Delete snapshot").click();
  await page.waitForURL(/\/snapshots$/);
  await page.getByRole("heading", { name: "Snapshots" }).waitFor();
  assert.equal(await page.getByRole("link", { name: `snap ${table}` }).count(), 0);
  assert.equal((await api.call("GET", "/snapshots")).items.length, 0);
});
