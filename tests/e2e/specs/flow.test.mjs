// The whole flow in the console, from sign-up to publish, on a PostgreSQL source of 100,000 rows:
// connector account (spec form, check, tables), snapshot, table, download with progress, the virtualised
// grid paging with the cursor, search, keyboard editing, publish with the plan first, jobs, API tokens.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { PGSOURCE_URL, cell, launch, newPage, shot, signupInBrowser, sourceSql, uid } from "../lib/harness.mjs";

const table = `e2e_items_${uid()}`;
let browser;

before(async () => {
  sourceSql(`CREATE TABLE ${table} (id integer PRIMARY KEY, title text NOT NULL, price numeric CHECK (price >= 0), colour text);
             INSERT INTO ${table} SELECT g, 'Item ' || g, (g % 500) + 0.5, (ARRAY['red','green','blue'])[g % 3 + 1]
             FROM generate_series(1, 100000) g;`);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  sourceSql(`DROP TABLE IF EXISTS ${table}`);
});

test("sign-up to publish on a PostgreSQL source", async () => {
  const { page } = await newPage(browser);
  await page.goto("/");
  await shot(page, "01-login");
  await signupInBrowser(page, `flow-${uid()}@example.com`);

  // Connector account from the connector's spec, checked, its tables browsed.
  await page.getByRole("link", { name: "Connector accounts" }).click();
  await page.getByRole("button", { name: "New account" }).click();
  const form = page.getByRole("form", { name: "New connector account" });
  await form.getByLabel("Connector").selectOption({ label: "PostgreSQL" });
  await form.getByLabel("Name").fill("Shop database");
  await form.getByLabel("connection_string").fill(PGSOURCE_URL);
  await form.getByLabel("schemas").fill("public");
  await form.getByRole("button", { name: "Create account" }).click();
  const account = page.locator('article[data-account="Shop database"]');
  await account.getByRole("button", { name: "Check" }).click();
  await account.getByText("Connected").waitFor();
  await account.getByRole("button", { name: "Tables" }).click();
  await account.getByText(table, { exact: true }).waitFor();
  await account.getByText(table, { exact: true }).click();
  await shot(page, "02-connector-accounts");

  // Snapshot, table, download with a live progress bar.
  await page.getByRole("link", { name: "Snapshots" }).click();
  await page.getByPlaceholder("New snapshot name").fill("Shop edits");
  await page.getByRole("button", { name: "Create snapshot" }).click();
  await page.getByRole("button", { name: "Add table" }).click();
  const add = page.getByRole("form", { name: "Add table" });
  await add.getByLabel("Account").selectOption({ label: "Shop database" });
  await add.getByLabel("Table").selectOption({ label: table });
  await add.getByRole("button", { name: "Add table" }).click();
  await page.getByTestId("live").filter({ hasText: "live" }).waitFor();
  await page.getByRole("button", { name: "Download", exact: true }).click();
  // live progress from the snapshot's event stream: a count of records that grows
  const progress = page.getByTestId("progress").filter({ hasText: `Downloading ${table}` });
  await progress.locator(".progress-text", { hasText: /^[1-9]\d*/ }).waitFor({ timeout: 60000 });
  await shot(page, "03-download-progress");
  await page.getByText("Download succeeded").waitFor({ timeout: 90000 });

  // The grid: 100,000 records, only the visible rows in the DOM, paged in with the cursor.
  const grid = page.getByRole("grid", { name: `Records of ${table}` });
  await page.locator(".grid-status", { hasText: "of 100,000 loaded" }).waitFor({ timeout: 30000 });
  assert.equal(await grid.getAttribute("aria-rowcount"), "100000");
  const domRows = await grid.locator('[role="row"][aria-rowindex]').count();
  assert.ok(domRows > 5 && domRows < 80, `only visible rows rendered, got ${domRows}`);
  await cell(page, 0, "title").filter({ hasText: "Item 1" }).waitFor();
  await shot(page, "04-snapshot-grid");

  // Scroll far: the grid pages through with the cursor and shows row 25,000.
  await grid.evaluate((el) => (el.scrollTop = 36 * 24995));
  await cell(page, 24999, "title").filter({ hasText: "Item 25000" }).waitFor({ timeout: 30000 });
  const status = await page.locator(".grid-status").textContent();
  const loaded = Number(status.split(" of ")[0].replace(/,/g, ""));
  assert.ok(loaded >= 25000 && loaded < 100000, `paged in up to the viewport, loaded ${loaded}`);
  assert.ok((await grid.locator('[role="row"][aria-rowindex]').count()) < 80);
  await grid.evaluate((el) => (el.scrollTop = 0));

  // Server-side search and sort.
  await page.getByLabel("Search records").fill('"Item 4242"');
  await page.getByRole("button", { name: "Apply" }).click();
  await page.locator(".grid-status", { hasText: "1 of 1 loaded" }).waitFor();
  await cell(page, 0, "title").filter({ hasText: "Item 4242" }).waitFor();
  await page.getByLabel("Search records").fill("");
  await page.getByRole("button", { name: "Apply" }).click();
  await page.getByRole("columnheader", { name: /^id/ }).click();
  await page.getByRole("columnheader", { name: /^id/ }).click(); // descending
  await cell(page, 0, "title").filter({ hasText: "Item 100000" }).waitFor();
  await page.getByRole("columnheader", { name: /^id/ }).click(); // back to the default order
  await cell(page, 0, "title").filter({ hasText: /^Item 1$/ }).waitFor();

  // Keyboard: arrows move the active cell, Enter edits, Escape cancels, Enter saves.
  await cell(page, 0, "title").click();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  assert.equal(await cell(page, 2, "title").getAttribute("aria-selected"), "true");
  await page.keyboard.press("Enter");
  await page.getByLabel("Edit cell").fill("discarded");
  await page.keyboard.press("Escape");
  await cell(page, 2, "title").filter({ hasText: "Item 3" }).waitFor();
  assert.doesNotMatch(await cell(page, 2, "title").getAttribute("class"), /edited/);
  await page.keyboard.press("Z"); // typing starts editing with that character
  assert.equal(await page.getByLabel("Edit cell").inputValue(), "Z");
  await page.keyboard.press("Escape");
  await page.keyboard.press("Enter");
  await page.getByLabel("Edit cell").fill("Item 3 renamed");
  await page.keyboard.press("Enter");
  await cell(page, 2, "title").and(page.locator(".edited")).filter({ hasText: "Item 3 renamed" }).waitFor();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Enter");
  await page.getByLabel("Edit cell").fill("12.25");
  await page.keyboard.press("Enter");
  await cell(page, 2, "price").and(page.locator(".edited")).filter({ hasText: "12.25" }).waitFor();
  await shot(page, "05-grid-edited");

  // Publish: the plan first, then the job with progress, then the result.
  await page.getByRole("button", { name: /^Publish/ }).click();
  const dialog = page.getByRole("dialog", { name: "Publish" });
  await dialog.locator(".count-updates").filter({ hasText: "1" }).waitFor();
  await dialog.getByText("Operations (1)").click();
  await dialog.locator(".plan-ops li", { hasText: "(remote 3)" }).filter({ hasText: 'title = "Item 3 renamed"' }).filter({ hasText: "price = 12.25" }).waitFor();
  await shot(page, "06-publish-plan");
  await dialog.getByRole("button", { name: "Publish 1 change" }).click();
  await dialog.getByText("Published", { exact: true }).waitFor({ timeout: 60000 });
  await shot(page, "07-publish-done");
  await dialog.getByRole("button", { name: "Close" }).last().click();
  assert.equal(sourceSql(`SELECT title || '|' || price FROM ${table} WHERE id = 3`), "Item 3 renamed|12.25");
  await page.waitForFunction(() => !document.querySelector('.grid-scroll [data-row="2"].edited'));

  // The snapshots list shows it with its table.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Snapshots" }).click();
  await page.getByRole("row", { name: /Shop edits/ }).filter({ hasText: "100000" }).waitFor();
  await shot(page, "07b-snapshots");

  // Jobs: the download and the publish.
  await page.getByRole("link", { name: "Jobs" }).click();
  await page.locator('tr[data-job-type="snapshot.publish"] .job-state', { hasText: "succeeded" }).waitFor();
  await page.locator('tr[data-job-type="snapshot.download"] .job-state', { hasText: "succeeded" }).waitFor();
  await shot(page, "08-jobs");

  // API tokens: the secret once, then listed.
  await page.getByRole("link", { name: "API tokens" }).click();
  await page.getByLabel("Token name").fill("ci script");
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = await page.locator("code.secret").textContent();
  assert.match(secret, /^scr_/);
  await page.getByRole("cell", { name: "ci script" }).waitFor();
  const me = await fetch(new URL("/api/v1/me", page.url()), { headers: { authorization: `Bearer ${secret}` } });
  assert.equal(me.status, 200);
  await shot(page, "09-api-tokens");

  await page.getByRole("link", { name: "Agent", exact: true }).click();
  await page.getByRole("form", { name: "Agent settings" }).waitFor();
  await page.getByRole("region", { name: "Style guides" }).waitFor();
  await shot(page, "09b-agent-settings");
});
