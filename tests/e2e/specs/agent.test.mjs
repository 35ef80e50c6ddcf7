// The in-server agent from the console, against the scripted OpenAI emulator (OPENAI_EMULATOR_URL; scratchd's
// SCRATCH_AGENT_BASE_URL points at it): settings (warning limit), a chat with an @-mention whose tool calls
// stream in live with their results (one failing, in red), the answer, usage and the usage warning; the
// suggestion reviewed in the grid; a slow run cancelled from the UI; the first session reopened; a phone.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Api, cell, launch, loginInBrowser, newPage, shot, sourceSql, uid } from "../lib/harness.mjs";

const EMULATOR = (process.env.OPENAI_EMULATOR_URL ?? "").replace(/\/$/, "");
const skip = EMULATOR ? false : "OPENAI_EMULATOR_URL is not set (see tests/e2e/README.md)";
const table = `e2e_agent_${uid()}`;
const email = `agent-${uid()}@example.com`;
const MISSING_RECORD = "00000000-0000-4000-8000-000000000000";
let browser, api, snap, tbl, rec1, titleField;

async function emulator(method, path, body) {
  const r = await fetch(`${EMULATOR}/_emulator/${path}`, {
    method,
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`emulator ${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}
const chatsOf = async (name) => (await emulator("GET", "state")).chats.filter((c) => c.conversation_name === name);
async function until(what, f, timeoutMs = 15000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  if (skip) return;
  sourceSql(`CREATE TABLE ${table} (id integer PRIMARY KEY, title text, price numeric);
             INSERT INTO ${table} SELECT g, 'Row ' || g, g FROM generate_series(1, 12) g;`);
  api = await Api.signup(email);
  ({ snapshot: snap, table: tbl } = await api.snapshotOf(table));
  // The real ids the scripted model "uses".
  titleField = tbl.fields.find((f) => f.name === "title").id;
  rec1 = (await api.records(snap.id, tbl.id)).find((r) => r.remote_id === "1");
  await emulator("POST", "reset-chats");
  await emulator("POST", "seed", {
    conversations: [
      {
        name: "fix",
        match: "Fix the title of the first record",
        turns: [
          // (The delays keep each step on screen a moment; the first one also lets the console subscribe to the
          // run's events before anything happens: the server does not replay a run's earlier events to a
          // client that connects without Last-Event-ID, see the report in tests/e2e/README.md.)
          { content: "Let me read the table first.", tool_calls: [{ name: "fetch_records", arguments: { table_id: tbl.id, limit: 50 } }] },
          {
            delay_ms: 800,
            expect_tool_result_contains: ["Row 1", rec1.id],
            tool_calls: [
              { name: "set_field_value", arguments: { table_id: tbl.id, record_id: rec1.id, field: titleField, value: "Row 1 (fixed)" } },
              { name: "set_field_value", arguments: { table_id: tbl.id, record_id: MISSING_RECORD, field: titleField, value: "nobody" } },
            ],
          },
          { content: "Done." },
        ],
      },
      { name: "slow", match: "Take your time", turns: [{ delay_ms: 15000, content: "late" }] },
    ],
  });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (!skip) sourceSql(`DROP TABLE IF EXISTS ${table}`);
});

test("agent chat: settings, live tool calls, answer, warning, suggestion accepted in the grid", { skip }, async () => {
  const { page } = await newPage(browser);
  await loginInBrowser(page, email);

  // settings: the server's endpoint and key are used; a low warning limit so this run warns
  await page.getByRole("link", { name: "Agent", exact: true }).click();
  const form = page.getByRole("form", { name: "Agent settings" });
  await form.getByTestId("api-key-state").filter({ hasText: "not set" }).waitFor();
  await form.getByLabel("Token warning limit").fill("100");
  await form.getByRole("button", { name: "Save settings" }).click();
  await form.getByRole("status").filter({ hasText: "Saved" }).waitFor();
  assert.equal((await api.call("GET", "/agent/settings")).token_warning_limit, 100);
  // a style guide in every run
  const guides = page.getByRole("region", { name: "Style guides" });
  await guides.getByRole("button", { name: "New style guide" }).click();
  await guides.getByLabel("Style guide name").fill("House style");
  await guides.getByLabel("Style guide text").fill("Titles in sentence case.");
  await guides.getByLabel("Include in every agent run").check();
  await guides.getByRole("button", { name: "Create guide" }).click();
  await guides.getByTestId("style-guide").filter({ hasText: "House style" }).waitFor();
  assert.equal(await guides.getByLabel("Auto-include House style").isChecked(), true);

  await page.goto(`/snapshots/${snap.id}`);
  await cell(page, 0, "title").waitFor();
  await page.getByRole("button", { name: "Agent chat" }).click();
  const chat = page.getByRole("complementary", { name: "Agent chat" });
  const box = chat.getByRole("textbox", { name: "Message" });

  // @-mention: the table, inserted as a reference
  await box.fill(`Fix the title of the first record in @${table.slice(0, 12)}`);
  const option = chat.getByRole("option").filter({ hasText: table });
  await option.waitFor();
  await shot(page, "18-agent-mention");
  await box.press("Enter");
  assert.equal(await box.inputValue(), `Fix the title of the first record in @[${table}](table:${tbl.id}) `);
  await box.press("End");
  await box.pressSequentially("please");
  await chat.getByRole("button", { name: "Send" }).click();

  // the tool calls stream in with their results; the failing one is an error line
  const lines = chat.getByTestId("tool-line");
  await chat.getByTestId("run-state").filter({ hasText: "working" }).waitFor();
  await lines.nth(0).filter({ hasText: "fetch_records" }).filter({ hasText: "12 records" }).waitFor();
  assert.equal(await chat.getByTestId("answer").count(), 0, "the first result is shown before the run ends");
  await lines.nth(1).and(page.locator('[data-status="ok"]')).filter({ hasText: "set_field_value" }).waitFor();
  const failed = lines.nth(2).and(page.locator('[data-status="error"]'));
  await failed.filter({ hasText: "set_field_value" }).waitFor();
  assert.match(await failed.textContent(), /not_found|invalid|record/i);
  assert.equal(await failed.evaluate((el) => getComputedStyle(el.querySelector(".result")).color), "rgb(176, 0, 32)");
  await chat.getByText("Let me read the table first.").waitFor();
  await chat.getByTestId("answer").filter({ hasText: "Done." }).waitFor();
  await chat.getByTestId("run-state").filter({ hasText: "succeeded" }).waitFor();
  assert.match(await chat.getByTestId("run-usage").textContent(), /^[\d,]+ tokens$/);
  assert.match(await chat.getByTestId("run-warning").textContent(), /warning limit of 100/);
  assert.equal(await chat.getByTestId("tool-line").count(), 3);
  await shot(page, "19-agent-chat");

  // what the model was sent: the deployment's key, the mention, the tool results
  const chats = await chatsOf("fix");
  assert.equal(chats.length, 3);
  assert.equal(chats[0].headers.authorization, "Bearer test-key");
  assert.ok(chats.every((c) => c.outcome !== "expectation_failed"), JSON.stringify(chats.map((c) => c.reply)));
  assert.match(chats[0].body.messages.at(-1).content, new RegExp(`table:${tbl.id}\\) please$`));
  assert.match(chats[0].body.messages[0].content, /## Style guide: House style\nTitles in sentence case\./);

  // the suggestion is beside the value in the grid (live); accept it
  const s1 = cell(page, 0, "title").getByTestId("suggestion");
  await s1.filter({ hasText: "Row 1 (fixed)" }).waitFor();
  await s1.getByRole("button", { name: "Accept suggestion" }).click();
  await cell(page, 0, "title").and(page.locator(".edited")).filter({ hasText: "Row 1 (fixed)" }).waitFor();
  const updated = (await api.records(snap.id, tbl.id)).find((r) => r.id === rec1.id);
  assert.deepEqual(updated.edits, { title: "Row 1 (fixed)" });
  assert.deepEqual(updated.suggestions ?? {}, {});

  // the usage of this month on the settings page
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByTestId("month-usage").filter({ hasText: "over the warning limit" }).waitFor();
  await shot(page, "20-agent-settings");
});

test("a slow run is cancelled from the chat; the first session reopens with its history", { skip }, async () => {
  const { page } = await newPage(browser);
  await loginInBrowser(page, email);
  await page.goto(`/snapshots/${snap.id}`);
  await page.getByRole("button", { name: "Agent chat" }).click();
  const chat = page.getByRole("complementary", { name: "Agent chat" });
  const picker = chat.getByLabel("Session");
  assert.equal(await picker.inputValue(), "", "a new session to begin with");

  await chat.getByRole("textbox", { name: "Message" }).fill("Take your time and think hard");
  await chat.getByRole("button", { name: "Send" }).click();
  await chat.getByTestId("run-state").filter({ hasText: "working" }).waitFor();
  await until("the slow model call", async () => (await chatsOf("slow")).length === 1);
  const started = Date.now();
  await chat.getByRole("button", { name: "Cancel" }).click();
  await chat.getByTestId("run-state").filter({ hasText: "cancelled" }).waitFor({ timeout: 12000 });
  assert.ok(Date.now() - started < 12000, "cancelled before the model answered");
  assert.equal(await chat.getByRole("button", { name: "Cancel" }).count(), 0);
  assert.equal(await chat.getByTestId("answer").count(), 0);
  await shot(page, "21-agent-cancelled");
  const runs = (await api.call("GET", `/snapshots/${snap.id}/agent/runs`)).items;
  assert.equal(runs.find((r) => r.request?.message === "Take your time and think hard")?.state, "cancelled");

  // the first session, from the picker: its messages, tool calls and answer
  const sessions = (await api.call("GET", `/snapshots/${snap.id}/agent/sessions`)).items;
  const first = sessions.find((s) => s.title.startsWith("Fix the title"));
  await picker.selectOption(first.id);
  await chat.getByTestId("answer").filter({ hasText: "Done." }).waitFor();
  await chat.getByTestId("tool-line").filter({ hasText: "12 records" }).waitFor();
  await chat.getByTestId("tool-line").and(page.locator('[data-status="error"]')).waitFor();
  await chat.getByTestId("run-state").filter({ hasText: "succeeded" }).waitFor();
  await chat.locator(".mention", { hasText: `@${table}` }).waitFor();
  await shot(page, "22-agent-history");
});

test("the chat is readable on a phone", { skip }, async () => {
  const { page } = await newPage(browser, { width: 390, height: 844 });
  await loginInBrowser(page, email);
  await page.goto(`/snapshots/${snap.id}`);
  await page.getByRole("button", { name: "Agent chat" }).click();
  const chat = page.getByRole("complementary", { name: "Agent chat" });
  const first = (await api.call("GET", `/snapshots/${snap.id}/agent/sessions`)).items.find((s) => s.title.startsWith("Fix the title"));
  await chat.getByLabel("Session").selectOption(first.id);
  await chat.getByTestId("answer").filter({ hasText: "Done." }).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page does not scroll sideways (overflow ${overflow}px)`);
  const box = await chat.boundingBox();
  assert.ok(box.width <= 390 && box.width > 300, `chat fits the screen (${box.width}px)`);
  await shot(page, "23-agent-phone");
});
