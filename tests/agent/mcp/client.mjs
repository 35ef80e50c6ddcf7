// A real MCP client (the official TypeScript SDK) against scratchd's /mcp endpoint. Run by
// tests/agent/mcp_test.cpp with MCP_URL, MCP_TOKEN, TABLE_ID and RECORD_ID set; prints one JSON object
// with what each step saw, for the C++ test to assert on. Exits 1 only when the client itself breaks.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const { MCP_URL, MCP_TOKEN, TABLE_ID, RECORD_ID } = process.env;
const out = {};

async function attempt(name, fn) {
  try {
    out[name] = { ok: true, value: await fn() };
  } catch (e) {
    out[name] = { ok: false, error: { name: e?.constructor?.name, code: e?.code, message: String(e?.message ?? e) } };
  }
}

const client = new Client({ name: "scratch-test-client", version: "1.0.0" });
const transport = new StreamableHTTPClientTransport(new URL(MCP_URL), {
  requestInit: { headers: { Authorization: `Bearer ${MCP_TOKEN}` } },
});

try {
  await client.connect(transport);
  out.server = { info: client.getServerVersion(), capabilities: client.getServerCapabilities(),
                 instructions: client.getInstructions?.() };
  await attempt("list_tools", async () => (await client.listTools()).tools.map((t) => ({
    name: t.name, has_schema: t.inputSchema?.type === "object", required: t.inputSchema?.required ?? [] })));
  await attempt("fetch", async () => client.callTool({ name: "fetch_records",
    arguments: { table_id: TABLE_ID, limit: 5, sort: "id:asc" } }));
  await attempt("suggest", async () => client.callTool({ name: "set_field_value",
    arguments: { table_id: TABLE_ID, record_id: RECORD_ID, field: "title", value: "Suggested over MCP" } }));
  await attempt("delete_without_capability", async () => client.callTool({ name: "suggest_deletes",
    arguments: { table_id: TABLE_ID, record_ids: [RECORD_ID] } }));
  await attempt("missing_record", async () => client.callTool({ name: "fetch_records_by_ids",
    arguments: { table_id: "00000000-0000-0000-0000-000000000000", record_ids: ["1"] } }));
  await attempt("bad_arguments", async () => client.callTool({ name: "fetch_records",
    arguments: { table_id: TABLE_ID, limit: 5000 } }));
  await attempt("unknown_tool", async () => client.callTool({ name: "publish_everything", arguments: {} }));
  await attempt("ping", async () => client.ping());
  await client.close();
  console.log(JSON.stringify(out));
} catch (e) {
  console.log(JSON.stringify({ ...out, fatal: String(e?.stack ?? e) }));
  process.exit(1);
}
