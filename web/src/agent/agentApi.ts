// Shapes of the agent API (core/agent/agent_run_routes.cpp) and the small helpers the chat and settings share.

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  model_calls?: number;
}

export type RunState = "running" | "succeeded" | "failed" | "cancelled";

export interface RunError {
  code: string;
  message?: string;
  detail?: string;
}

export interface AgentRun {
  id: string;
  kind: string;
  state: RunState;
  session_id: string | null;
  model: string;
  steps: number;
  answer: string | null;
  error: RunError | null;
  usage: Usage | null;
  created_at: string;
  finished_at: string | null;
}

export interface SessionItem {
  id: string;
  title: string;
  updated_at: string;
  message_count: number;
}

export interface ToolCall {
  id: string;
  type?: string;
  function: { name: string; arguments: string };
}

export interface ChatMessage {
  role: "user" | "assistant" | "tool" | "system";
  content: string | null;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
}

export interface AgentSession {
  id: string;
  title: string;
  summary: string | null;
  messages: { n: number; run_id?: string | null; message: ChatMessage }[];
}

export interface Mention {
  type: "table" | "record" | "file" | "style_guide";
  id: string;
  label: string;
  table_id?: string;
  detail?: string;
}

export interface AgentSettings {
  base_url: string | null;
  has_api_key: boolean;
  default_model: string | null;
  token_warning_limit: number | null;
  deployment: {
    base_url: string;
    has_api_key: boolean;
    default_model: string;
    token_warning_limit: number;
    max_steps: number;
  };
}

export interface AgentUsage {
  month: {
    total_tokens: number;
    by_model: { model: string; prompt_tokens: number; completion_tokens: number; total_tokens: number; requests: number }[];
  };
  warning_limit: number | null;
  over_warning_limit: boolean;
}

export interface StyleGuide {
  id: string;
  name: string;
  body: string;
  auto_include: boolean;
  updated_at?: string;
}

/** One event of a run's stream (the `data` of an SSE frame). */
export interface RunEvent {
  seq: number;
  kind: string;
  data: Record<string, unknown>;
}

export const FINAL_KINDS = new Set(["agent.run.succeeded", "agent.run.failed", "agent.run.cancelled"]);

export const fmt = (n: number | null | undefined) => (n ?? 0).toLocaleString("en-US");

/** Compact arguments for a tool line: `table_id=…, limit=5`. */
export function argsPreview(raw: string, max = 80): string {
  let text = raw;
  try {
    const v = JSON.parse(raw);
    if (v && typeof v === "object" && !Array.isArray(v))
      text = Object.entries(v as Record<string, unknown>)
        .map(([k, x]) => `${k}=${typeof x === "string" ? shortId(x) : JSON.stringify(x)}`)
        .join(", ");
  } catch {
    // shown as it came
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

// A uuid shows as its first 8 characters; other strings as they are.
function shortId(s: string): string {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(s) ? `${s.slice(0, 8)}…` : s;
}

/** What a stored tool message says, in the words of the live stream's summary (chat_run.cpp summary_of). */
export function summarizeToolContent(content: string | null): { ok: boolean; summary?: string; error?: RunError } {
  if (!content) return { ok: true, summary: "" };
  try {
    const v = JSON.parse(content);
    if (v && typeof v === "object" && !Array.isArray(v)) {
      if (v.error && typeof v.error === "object") return { ok: false, error: v.error as RunError };
      if (Array.isArray(v.records)) return { ok: true, summary: `${v.records.length} records` };
      if (Array.isArray(v.tables)) return { ok: true, summary: `${v.tables.length} tables` };
      const parts = Object.entries(v)
        .filter(([, x]) => typeof x === "number" || typeof x === "boolean")
        .map(([k, x]) => `${k}: ${JSON.stringify(x)}`);
      if (parts.length) return { ok: true, summary: parts.join(", ") };
    }
  } catch {
    // not JSON: fall through
  }
  return { ok: true, summary: content.length > 120 ? `${content.slice(0, 119)}…` : content };
}
