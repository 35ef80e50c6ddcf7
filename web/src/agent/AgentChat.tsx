// The agent chat of a snapshot: sessions, the conversation with each tool call streamed live from
// GET /agent/runs/{id}/events, a message box with @-mentions, Send and Cancel, usage per run.
import { Fragment, useCallback, useEffect, useRef, useState } from "react";
import { Link } from "react-router-dom";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { openEventStream, SseEvent, SseHandle } from "../api/sse";
import { ErrorBox } from "../components/ErrorBox";
import {
  AgentRun,
  AgentSession,
  argsPreview,
  FINAL_KINDS,
  fmt,
  RunError,
  RunEvent,
  RunState,
  SessionItem,
  summarizeToolContent,
  Usage,
} from "./agentApi";
import { MessageBox } from "./MessageBox";

interface ToolLine {
  kind: "tool";
  callId: string;
  name: string;
  args: string;
  status: "running" | "ok" | "error" | "unknown";
  summary?: string;
  error?: RunError;
}
interface TextItem {
  kind: "note" | "answer" | "info";
  text: string;
}
type Item = ToolLine | TextItem;

interface Turn {
  key: string;
  runId?: string;
  user: string;
  items: Item[];
  state?: RunState;
  usage?: Usage | null;
  error?: RunError | null;
  warning?: string;
  model?: string;
  step?: number;
  cancelling?: boolean;
}

function isFinalFrame(raw: SseEvent): boolean {
  if (FINAL_KINDS.has(raw.event)) return true;
  try {
    return FINAL_KINDS.has(JSON.parse(raw.data).kind);
  } catch {
    return false;
  }
}

const storedSessionKey = (snapshotId: string) => `scratch.agent-session.${snapshotId}`;

/** Turns from a stored session: each user message opens one; the runs list adds state and usage. */
function turnsFromSession(s: AgentSession, runs: AgentRun[]): Turn[] {
  const turns: Turn[] = [];
  let cur: Turn | null = null;
  for (const { n, run_id, message: m } of s.messages) {
    if (m.role === "user") {
      cur = { key: `h${n}`, runId: run_id ?? undefined, user: m.content ?? "", items: [] };
      turns.push(cur);
      continue;
    }
    if (!cur) continue;
    if (m.role === "assistant") {
      if (m.tool_calls?.length) {
        if (m.content) cur.items.push({ kind: "note", text: m.content });
        for (const c of m.tool_calls)
          cur.items.push({ kind: "tool", callId: c.id, name: c.function?.name ?? "?", args: c.function?.arguments ?? "", status: "unknown" });
      } else {
        cur.items.push({ kind: "answer", text: m.content ?? "" });
      }
    } else if (m.role === "tool") {
      const line = cur.items.find((i): i is ToolLine => i.kind === "tool" && i.callId === m.tool_call_id);
      if (line) Object.assign(line, summarizeToolContent(m.content), { status: summarizeToolContent(m.content).ok ? "ok" : "error" });
    }
  }
  for (const t of turns) {
    const run = runs.find((r) => r.id === t.runId);
    if (run) Object.assign(t, { state: run.state, usage: run.usage, error: run.error, model: run.model });
  }
  return turns;
}

function MentionText({ text }: { text: string }) {
  const parts = text.split(/(@\[[^\]]+\]\([a-z_]+:[^)\s]+\))/g);
  return (
    <>
      {parts.map((p, i) => {
        const m = /^@\[([^\]]+)\]\(([a-z_]+):[^)]+\)$/.exec(p);
        return m ? (
          <span key={i} className="mention" title={m[2]}>
            @{m[1]}
          </span>
        ) : (
          <Fragment key={i}>{p}</Fragment>
        );
      })}
    </>
  );
}

function ToolLineView({ line }: { line: ToolLine }) {
  const result =
    line.status === "running" ? (
      <span className="result muted">…</span>
    ) : line.status === "error" ? (
      <span className="result">
        {line.error?.code}
        {line.error?.detail || line.error?.message ? `: ${line.error.detail ?? line.error.message}` : ""}
      </span>
    ) : line.status === "ok" ? (
      <span className="result">{line.summary || "ok"}</span>
    ) : (
      <span className="result muted">no result</span>
    );
  return (
    <li className={`tool-line ${line.status}`} data-testid="tool-line" data-status={line.status} title={line.args}>
      <code>{line.name}</code> <span className="args">{argsPreview(line.args)}</span> <span aria-hidden="true">→</span> {result}
    </li>
  );
}

function RunFooter({ turn }: { turn: Turn }) {
  if (!turn.state) return null;
  const u = turn.usage;
  return (
    <div className="run-footer">
      {turn.state === "running" ? (
        <>
          <span aria-busy="true" className="run-state running" data-testid="run-state">
            {turn.cancelling ? "cancelling…" : `working${turn.step ? ` (step ${turn.step})` : ""}…`}
          </span>
        </>
      ) : (
        <span className={`run-state ${turn.state}`} data-testid="run-state">
          {turn.state}
        </span>
      )}
      {u && u.total_tokens > 0 && (
        <small className="muted" data-testid="run-usage" title={`${fmt(u.prompt_tokens)} prompt + ${fmt(u.completion_tokens)} completion`}>
          {fmt(u.total_tokens)} tokens
        </small>
      )}
      {turn.model && <small className="muted">{turn.model}</small>}
      {turn.error && (
        <p className="run-error" role="alert">
          {turn.error.code}: {turn.error.message ?? turn.error.detail}
        </p>
      )}
    </div>
  );
}

export function AgentChat({ snapshotId }: { snapshotId: string }) {
  const qc = useQueryClient();
  const sessionsKey = ["agent-sessions", snapshotId];
  const sessions = useQuery({
    queryKey: sessionsKey,
    queryFn: () => api<{ items: SessionItem[] }>(`/api/v1/snapshots/${snapshotId}/agent/sessions`).then((r) => r.items),
  });
  const [sessionId, setSessionId] = useState<string | null>(null);
  const [turns, setTurns] = useState<Turn[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const streams = useRef(new Map<string, SseHandle>());
  const seen = useRef(new Map<string, Set<number>>());
  const logRef = useRef<HTMLDivElement>(null);

  const updateRun = useCallback((runId: string, fn: (t: Turn) => Turn) => {
    setTurns((ts) => ts.map((t) => (t.runId === runId ? fn(t) : t)));
  }, []);

  const closeStreams = useCallback(() => {
    streams.current.forEach((h) => h.close());
    streams.current.clear();
  }, []);
  useEffect(() => closeStreams, [closeStreams]);

  const onRunEvent = useCallback(
    (runId: string, e: RunEvent) => {
      const d = e.data;
      updateRun(runId, (t) => {
        const items = [...t.items];
        switch (e.kind) {
          case "agent.run.started":
            return { ...t, state: "running", model: String(d.model ?? t.model ?? "") };
          case "agent.run.step":
            return { ...t, step: Number(d.step) };
          case "agent.run.tool_call": {
            const callId = String(d.call_id ?? "");
            if (!items.some((i) => i.kind === "tool" && i.callId === callId))
              items.push({ kind: "tool", callId, name: String(d.name ?? "?"), args: String(d.arguments ?? ""), status: "running" });
            return { ...t, items };
          }
          case "agent.run.tool_result": {
            const callId = String(d.call_id ?? "");
            return {
              ...t,
              items: items.map((i) =>
                i.kind === "tool" && i.callId === callId
                  ? { ...i, status: d.ok ? "ok" : "error", summary: d.summary as string | undefined, error: d.error as RunError | undefined }
                  : i,
              ),
            };
          }
          case "agent.run.message": {
            const text = String(d.content ?? "");
            if (!items.some((i) => i.kind === "note" && i.text === text)) items.push({ kind: "note", text });
            return { ...t, items };
          }
          case "agent.run.summarized":
            items.push({ kind: "info", text: "Earlier messages of this session were summarised for the model." });
            return { ...t, items };
          case "agent.run.warning":
            return { ...t, warning: String(d.message ?? "token usage warning") };
          case "agent.run.answer":
            if (!items.some((i) => i.kind === "answer")) items.push({ kind: "answer", text: String(d.content ?? "") });
            return { ...t, items };
          default:
            if (!FINAL_KINDS.has(e.kind)) return t;
            if (d.answer && !items.some((i) => i.kind === "answer")) items.push({ kind: "answer", text: String(d.answer) });
            return {
              ...t,
              items,
              state: (d.state as RunState) ?? (e.kind.slice("agent.run.".length) as RunState),
              usage: (d.usage as Usage) ?? t.usage,
              error: (d.error as RunError) ?? null,
              cancelling: false,
            };
        }
      });
      if (FINAL_KINDS.has(e.kind)) {
        streams.current.get(runId)?.close();
        streams.current.delete(runId);
        void qc.invalidateQueries({ queryKey: ["agent-sessions", snapshotId] });
        void qc.invalidateQueries({ queryKey: ["agent-usage"] });
      }
    },
    [qc, snapshotId, updateRun],
  );

  const follow = useCallback(
    (runId: string) => {
      if (streams.current.has(runId)) return;
      const seqs = seen.current.get(runId) ?? new Set<number>();
      seen.current.set(runId, seqs);
      const handle = openEventStream(
        `/api/v1/agent/runs/${runId}/events`,
        (raw) => {
          let e: RunEvent;
          try {
            const body = JSON.parse(raw.data);
            e = { seq: Number(body.seq), kind: body.kind ?? raw.event, data: body.data ?? {} };
          } catch {
            return;
          }
          if (seqs.has(e.seq)) return;
          seqs.add(e.seq);
          onRunEvent(runId, e);
        },
        undefined,
        { isFinal: isFinalFrame },
      );
      streams.current.set(runId, handle);
    },
    [onRunEvent],
  );

  const openSession = useCallback(
    async (id: string | null) => {
      closeStreams();
      seen.current.clear();
      setError(null);
      setSessionId(id);
      if (id) sessionStorage.setItem(storedSessionKey(snapshotId), id);
      else sessionStorage.removeItem(storedSessionKey(snapshotId));
      if (!id) {
        setTurns([]);
        return;
      }
      setLoading(true);
      try {
        const [s, runs] = await Promise.all([
          api<AgentSession>(`/api/v1/agent/sessions/${id}`),
          api<{ items: AgentRun[] }>(`/api/v1/snapshots/${snapshotId}/agent/runs`).then((r) => r.items.filter((x) => x.session_id === id)),
        ]);
        const ts = turnsFromSession(s, runs);
        // A run still going: its events are merged into what the history has (by call id), so a replay
        // of what is already shown adds nothing twice.
        setTurns(ts);
        for (const r of runs.filter((x) => x.state === "running")) follow(r.id);
      } catch (e) {
        setError(e);
        setTurns([]);
      } finally {
        setLoading(false);
      }
    },
    [closeStreams, follow, snapshotId],
  );

  // Reopen the session this tab had open on this snapshot.
  useEffect(() => {
    const stored = sessionStorage.getItem(storedSessionKey(snapshotId));
    void openSession(stored);
  }, [snapshotId, openSession]);

  useEffect(() => {
    const el = logRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [turns]);

  const running = turns.find((t) => t.state === "running");

  const send = async (text: string): Promise<boolean> => {
    setError(null);
    // A mentioned style guide goes into this run's instructions (auto-included ones always do).
    const guideIds = [...new Set([...text.matchAll(/@\[[^\]]*\]\(style_guide:([^)\s]+)\)/g)].map((m) => m[1]))];
    try {
      const run = await api<AgentRun>(`/api/v1/snapshots/${snapshotId}/agent/runs`, {
        body: {
          message: text,
          ...(sessionId ? { session_id: sessionId } : {}),
          ...(guideIds.length ? { style_guide_ids: guideIds } : {}),
        },
      });
      if (run.session_id && run.session_id !== sessionId) {
        setSessionId(run.session_id);
        sessionStorage.setItem(storedSessionKey(snapshotId), run.session_id);
      }
      setTurns((ts) => [...ts, { key: run.id, runId: run.id, user: text, items: [], state: run.state, model: run.model, usage: run.usage }]);
      follow(run.id);
      void qc.invalidateQueries({ queryKey: sessionsKey });
      return true;
    } catch (e) {
      setError(e);
      return false;
    }
  };

  const cancel = async (runId: string) => {
    updateRun(runId, (t) => ({ ...t, cancelling: true }));
    try {
      await api(`/api/v1/agent/runs/${runId}/cancel`, { method: "POST" });
    } catch (e) {
      setError(e);
      updateRun(runId, (t) => ({ ...t, cancelling: false }));
    }
  };

  const known = sessions.data ?? [];
  return (
    <aside className="agent-chat" aria-label="Agent chat">
      <header className="agent-chat-head">
        <strong>Agent</strong>
        <select
          aria-label="Session"
          value={sessionId ?? ""}
          disabled={!!running}
          onChange={(e) => void openSession(e.target.value || null)}
        >
          <option value="">New session</option>
          {sessionId && !known.some((s) => s.id === sessionId) && <option value={sessionId}>(this session)</option>}
          {known.map((s) => (
            <option key={s.id} value={s.id}>
              {s.title.replace(/@\[([^\]]+)\]\([^)]*\)/g, "@$1")} · {new Date(s.updated_at).toLocaleDateString()}
            </option>
          ))}
        </select>
        <Link to="/agent" className="agent-settings-link" title="Model endpoint, usage and style guides">
          Settings
        </Link>
      </header>
      <div className="chat-log" ref={logRef} aria-live="polite" aria-busy={loading}>
        {turns.length === 0 && !loading && (
          <p className="muted chat-empty">
            Ask about this snapshot's records. The agent's changes arrive as suggestions in the grid, for you to accept or reject.
            Type <kbd>@</kbd> to mention a table, a record, a file or a style guide.
          </p>
        )}
        {turns.map((t) => (
          <div className="turn" key={t.key} data-testid="turn" data-run={t.runId}>
            <div className="msg user">
              <MentionText text={t.user} />
            </div>
            {t.items.length > 0 && (
              <ul className="tool-lines">
                {t.items.map((i, n) =>
                  i.kind === "tool" ? (
                    <ToolLineView key={i.callId || n} line={i} />
                  ) : i.kind === "answer" ? (
                    <li key={n} className="msg assistant" data-testid="answer">
                      {i.text}
                    </li>
                  ) : (
                    <li key={n} className={i.kind === "info" ? "msg info muted" : "msg note"}>
                      {i.text}
                    </li>
                  ),
                )}
              </ul>
            )}
            {t.warning && (
              <p className="warn-box" role="alert" data-testid="run-warning">
                ⚠ {t.warning}
              </p>
            )}
            <RunFooter turn={t} />
          </div>
        ))}
      </div>
      <ErrorBox error={error ?? sessions.error} />
      <MessageBox
        snapshotId={snapshotId}
        busy={!!running}
        onSend={send}
        onCancel={running?.runId ? () => void cancel(running.runId!) : undefined}
        cancelling={!!running?.cancelling}
      />
    </aside>
  );
}
