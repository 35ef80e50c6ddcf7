// Agent settings: your model endpoint (over the deployment's), the key (write-only), default model, the
// monthly token warning limit and this month's usage; style guides (optionally in every run).
import { FormEvent, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { ErrorBox } from "../components/ErrorBox";
import { AgentSettings, AgentUsage, fmt, StyleGuide } from "./agentApi";

function SettingsForm({ s }: { s: AgentSettings }) {
  const qc = useQueryClient();
  const [baseUrl, setBaseUrl] = useState(s.base_url ?? "");
  const [apiKey, setApiKey] = useState("");
  const [model, setModel] = useState(s.default_model ?? "");
  const [limit, setLimit] = useState(s.token_warning_limit?.toString() ?? "");
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const put = async (body: Record<string, unknown>) => {
    setError(null);
    setSaved(false);
    try {
      const next = await api<AgentSettings>("/api/v1/agent/settings", { method: "PUT", body });
      qc.setQueryData(["agent-settings"], next);
      await qc.invalidateQueries({ queryKey: ["agent-usage"] });
      setApiKey("");
      setSaved(true);
    } catch (e) {
      setError(e);
    }
  };
  const save = (e: FormEvent) => {
    e.preventDefault();
    // Only what changed; an emptied field goes back to the deployment's value (null).
    const body: Record<string, unknown> = {};
    if (baseUrl.trim() !== (s.base_url ?? "")) body.base_url = baseUrl.trim() || null;
    if (model.trim() !== (s.default_model ?? "")) body.default_model = model.trim() || null;
    if (limit !== (s.token_warning_limit?.toString() ?? "")) body.token_warning_limit = limit === "" ? null : Number(limit);
    if (apiKey) body.api_key = apiKey;
    void put(body);
  };
  const d = s.deployment;
  return (
    <form onSubmit={save} className="card-form compact-form" aria-label="Agent settings">
      <div className="grid-2">
        <label>
          Model endpoint (OpenAI-compatible base URL)
          <input type="url" value={baseUrl} placeholder={d.base_url || "https://…/v1"} onChange={(e) => setBaseUrl(e.target.value)} />
          <small>Empty: the server's ({d.base_url || "none"}).</small>
        </label>
        <label>
          API key
          <input type="password" autoComplete="off" value={apiKey} placeholder={s.has_api_key ? "set (type to replace)" : "not set"} onChange={(e) => setApiKey(e.target.value)} />
          <small data-testid="api-key-state">
            {s.has_api_key ? "set" : "not set"}
            {!s.has_api_key && !s.base_url && d.has_api_key ? " — the server's key is used" : ""}
            {s.has_api_key && (
              <>
                {" "}
                <button type="button" className="mini secondary" onClick={() => void put({ api_key: null })}>
                  Remove key
                </button>
              </>
            )}
          </small>
        </label>
        <label>
          Default model
          <input value={model} placeholder={d.default_model} onChange={(e) => setModel(e.target.value)} />
        </label>
        <label>
          Token warning limit (per month)
          <input type="number" min={0} value={limit} placeholder={d.token_warning_limit ? String(d.token_warning_limit) : "none"} onChange={(e) => setLimit(e.target.value)} />
        </label>
      </div>
      <div className="actions">
        <button type="submit">Save settings</button>
        {saved && (
          <span className="ok-text" role="status">
            Saved
          </span>
        )}
      </div>
      <ErrorBox error={error} />
    </form>
  );
}

function UsageView() {
  const usage = useQuery({ queryKey: ["agent-usage"], queryFn: () => api<AgentUsage>("/api/v1/agent/usage") });
  const u = usage.data;
  if (usage.error) return <ErrorBox error={usage.error} />;
  if (!u) return <p aria-busy="true">Loading usage…</p>;
  return (
    <section aria-label="Usage this month">
      <p data-testid="month-usage">
        This month: <strong>{fmt(u.month.total_tokens)}</strong> tokens
        {u.warning_limit ? ` of a ${fmt(u.warning_limit)} warning limit` : ""}
        {u.over_warning_limit && <span className="badge warn">over the warning limit</span>}
      </p>
      {u.month.by_model.length > 0 && (
        <div className="overflow-auto">
          <table className="compact striped">
            <thead>
              <tr>
                <th>Model</th>
                <th>Requests</th>
                <th>Prompt</th>
                <th>Completion</th>
                <th>Total</th>
              </tr>
            </thead>
            <tbody>
              {u.month.by_model.map((m) => (
                <tr key={m.model}>
                  <td>{m.model}</td>
                  <td>{fmt(m.requests)}</td>
                  <td>{fmt(m.prompt_tokens)}</td>
                  <td>{fmt(m.completion_tokens)}</td>
                  <td>{fmt(m.total_tokens)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function GuideForm({ guide, onDone }: { guide?: StyleGuide; onDone: () => void }) {
  const qc = useQueryClient();
  const [name, setName] = useState(guide?.name ?? "");
  const [body, setBody] = useState(guide?.body ?? "");
  const [auto, setAuto] = useState(guide?.auto_include ?? false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      if (guide) await api(`/api/v1/style-guides/${guide.id}`, { method: "PATCH", body: { name, body, auto_include: auto } });
      else await api("/api/v1/style-guides", { body: { name, body, auto_include: auto } });
      await qc.invalidateQueries({ queryKey: ["style-guides"] });
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form onSubmit={submit} className="card-form compact-form" aria-label={guide ? `Edit ${guide.name}` : "New style guide"}>
      <input aria-label="Style guide name" placeholder="Name" required value={name} onChange={(e) => setName(e.target.value)} />
      <textarea aria-label="Style guide text" placeholder="Markdown: tone, spelling, formats…" rows={4} value={body} onChange={(e) => setBody(e.target.value)} />
      <label>
        <input type="checkbox" checked={auto} onChange={(e) => setAuto(e.target.checked)} /> Include in every agent run
      </label>
      <div className="actions">
        <button type="submit">{guide ? "Save guide" : "Create guide"}</button>
        <button type="button" className="secondary outline" onClick={onDone}>
          Close
        </button>
      </div>
      <ErrorBox error={error} />
    </form>
  );
}

function StyleGuides() {
  const qc = useQueryClient();
  const guides = useQuery({
    queryKey: ["style-guides"],
    queryFn: () => api<{ items: StyleGuide[] }>("/api/v1/style-guides").then((r) => r.items),
  });
  const [editing, setEditing] = useState<string | "new" | null>(null);
  const [error, setError] = useState<unknown>(null);
  const act = async (f: () => Promise<unknown>) => {
    setError(null);
    try {
      await f();
      await qc.invalidateQueries({ queryKey: ["style-guides"] });
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section aria-label="Style guides">
      <div className="row-between">
        <h3>Style guides</h3>
        {editing !== "new" && (
          <button className="outline small" onClick={() => setEditing("new")}>
            New style guide
          </button>
        )}
      </div>
      <p className="muted">Markdown the agent follows. Auto-included guides go into every agent run; @-mention another one in a chat message to add it to that run.</p>
      {editing === "new" && <GuideForm onDone={() => setEditing(null)} />}
      <ErrorBox error={error ?? guides.error} />
      <ul className="guide-list">
        {guides.data?.map((g) =>
          editing === g.id ? (
            <li key={g.id}>
              <GuideForm guide={g} onDone={() => setEditing(null)} />
            </li>
          ) : (
            <li key={g.id} data-testid="style-guide">
              <strong>{g.name}</strong>{" "}
              <label className="inline-check">
                <input
                  type="checkbox"
                  aria-label={`Auto-include ${g.name}`}
                  checked={g.auto_include}
                  onChange={(e) => void act(() => api(`/api/v1/style-guides/${g.id}`, { method: "PATCH", body: { auto_include: e.target.checked } }))}
                />{" "}
                auto-include
              </label>{" "}
              <small className="muted guide-preview">{g.body.slice(0, 90)}</small>
              <button className="mini" onClick={() => setEditing(g.id)}>
                Edit
              </button>
              <button
                className="mini secondary"
                onClick={() => confirm(`Delete the style guide ${g.name}?`) && void act(() => api(`/api/v1/style-guides/${g.id}`, { method: "DELETE" }))}
              >
                Delete
              </button>
            </li>
          ),
        )}
        {guides.data?.length === 0 && editing !== "new" && <li className="muted">None yet.</li>}
      </ul>
    </section>
  );
}

export function AgentSettingsPage() {
  const settings = useQuery({ queryKey: ["agent-settings"], queryFn: () => api<AgentSettings>("/api/v1/agent/settings") });
  return (
    <section className="agent-settings">
      <h2>Agent</h2>
      <p className="muted">
        The agent chat is on each snapshot's page (<em>Agent chat</em>); its changes are suggestions you review in the grid.
      </p>
      <ErrorBox error={settings.error} />
      {settings.data ? <SettingsForm s={settings.data} /> : !settings.error && <p aria-busy="true">Loading…</p>}
      <UsageView />
      <StyleGuides />
    </section>
  );
}
