// The custom (Lua) connector editor: validate, save, test; a failing script's report shown at its line.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, newPage, shot, signupInBrowser, uid } from "../lib/harness.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

async function replaceScript(page, text) {
  await page.locator(".lua-editor .cm-content").click();
  await page.keyboard.press("Control+a");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(text);
}

test("edit, validate, test, and see a failure at its line", async () => {
  const { page } = await newPage(browser);
  await signupInBrowser(page, `lua-${uid()}@example.com`);
  await page.getByRole("link", { name: "Custom connectors" }).click();
  const name = `colours-${uid()}`;
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Validate" }).click();
  await page.getByLabel("Validation").filter({ hasText: "Valid" }).waitFor();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.waitForURL(/\/custom-connectors\/[0-9a-f-]{36}$/);
  await page.getByRole("button", { name: "Test" }).click();
  await page.getByText("Test passed").waitFor();
  assert.equal(await page.locator(".step-ok").count() >= 4, true);
  const editorUrl = page.url();

  // an account on the saved version, with the form made from the script's own spec
  await page.getByRole("link", { name: "Connector accounts" }).click();
  await page.getByRole("button", { name: "New account" }).click();
  const form = page.getByRole("form", { name: "New connector account" });
  await form.getByLabel("Connector").selectOption({ label: `${name} (custom v1)` });
  await form.getByLabel("Name", { exact: true }).fill("My colours");
  await form.getByLabel("Name prefix").fill("light ");
  await form.getByRole("button", { name: "Create account" }).click();
  const account = page.locator('article[data-account="My colours"]');
  await account.getByRole("button", { name: "Check" }).click();
  await account.getByText("Connected: no sign-in needed").waitFor();
  await account.getByRole("button", { name: "Tables" }).click();
  await account.locator(".table-name", { hasText: "Colours" }).waitFor();
  await page.goto(editorUrl);
  await page.locator(".lua-editor .cm-content").waitFor();

  // a runtime error in read(), on line 6 of the script
  const broken = [
    "function spec() return { display_name = 'Broken', capabilities = {'read'}, config_schema = {type='object'}, credentials_schema = {type='object'} } end",
    "function check() return { ok = true } end",
    "function list_tables() return { tables = { { id = 't', name = 'T', primary_key = {'id'}, fields = { { id = 'x', name = 'X', type = 'text' } } } } } end",
    "function read(config, credentials, request)",
    "  local rows = nil",
    "  return { records = rows.items }",
    "end",
  ].join("\n");
  await replaceScript(page, broken);
  await page.getByRole("button", { name: "Test" }).click();
  await page.getByText("Test failed").waitFor();
  await page.locator(".step-error").filter({ hasText: "line 6" }).first().waitFor();
  const inline = page.locator(".lua-editor .cm-problem");
  await inline.filter({ hasText: "line 6" }).waitFor();
  // the problem sits right under line 6 of the editor
  const lineBefore = await inline.evaluate((el) => el.previousElementSibling?.textContent ?? "");
  assert.match(lineBefore, /rows\.items/);
  await shot(page, "17-custom-connector-error");

  // a syntax error is reported by Validate at its line too
  await replaceScript(page, "function spec()\n  return {\nend\n");
  await page.getByRole("button", { name: "Validate" }).click();
  await page.getByLabel("Validation").filter({ hasText: "Invalid" }).waitFor();
  await page.locator(".lua-editor .cm-problem").first().waitFor();
  await page.getByRole("button", { name: "Save new version" }).click();
  await page.getByLabel("Your custom connectors").getByText("v2").waitFor();
  await page.getByText(/Saved as custom:.*@2/).waitFor();
});
