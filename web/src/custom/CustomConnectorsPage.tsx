// Custom (Lua) connectors: pick one or start a new one; edit, validate, test, save versions.
import { useEffect, useMemo, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { CustomConnector, CustomVersion, TestReport, Validation } from "../api/types";
import { ErrorBox } from "../components/ErrorBox";
import { useCustomConnectors } from "../accounts/useConnectors";
import { LineProblem, LuaEditor } from "./LuaEditor";
import { TestReportView, ValidationView } from "./ReportView";
import { ContractView } from "./ContractView";
import { TEMPLATE } from "./template";

function parseJson(label: string, text: string): Record<string, unknown> {
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${label} is not valid JSON`);
  }
}

export function CustomConnectorsPage() {
  const { id } = useParams();
  const nav = useNavigate();
  const list = useCustomConnectors();
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const [script, setScript] = useState(TEMPLATE);
  const [config, setConfig] = useState("{}");
  const [credentials, setCredentials] = useState("{}");
  const [validation, setValidation] = useState<Validation | null>(null);
  const [report, setReport] = useState<TestReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState("");
  const [saved, setSaved] = useState<CustomConnector | null>(null);

  // load the chosen connector's latest script
  useEffect(() => {
    setValidation(null);
    setReport(null);
    setError(null);
    if (!id) {
      setSaved(null);
      setName("");
      setScript(TEMPLATE);
      return;
    }
    void (async () => {
      try {
        const c = await api<CustomConnector>(`/api/v1/custom-connectors/${id}`);
        const v = await api<CustomVersion>(`/api/v1/custom-connectors/${id}/versions/${c.latest_version}`);
        setSaved(c);
        setName(c.name);
        setScript(v.script ?? "");
        setValidation(v.validation);
      } catch (e) {
        setError(e);
      }
    })();
  }, [id]);

  const problems: LineProblem[] = useMemo(() => {
    const out: LineProblem[] = [];
    for (const e of validation?.errors ?? []) if (e.line) out.push({ line: e.line, message: `${e.kind}: ${e.message}` });
    for (const s of report?.steps ?? [])
      if (s.error?.line) out.push({ line: s.error.line, message: `${s.name}: ${s.error.code}: ${s.error.message}` });
    return out;
  }, [validation, report]);

  const act = async (what: string, f: () => Promise<void>) => {
    setBusy(what);
    setError(null);
    try {
      await f();
    } catch (e) {
      setError(e);
    } finally {
      setBusy("");
    }
  };
  const validate = () =>
    act("validate", async () => {
      setReport(null);
      setValidation(await api<Validation>("/api/v1/custom-connectors/validate", { body: { script } }));
    });
  const test = () =>
    act("test", async () => {
      const body = { script, config: parseJson("Settings", config), credentials: parseJson("Credentials", credentials) };
      setValidation(null);
      setReport(await api<TestReport>("/api/v1/custom-connectors/test", { body }));
    });
  const save = () =>
    act("save", async () => {
      if (saved) {
        const v = await api<CustomVersion>(`/api/v1/custom-connectors/${saved.id}/versions`, { body: { script } });
        setValidation(v.validation);
        setSaved({ ...saved, latest_version: v.version });
        await qc.invalidateQueries({ queryKey: ["custom-connector", saved.id] });
      } else {
        const c = await api<CustomConnector>("/api/v1/custom-connectors", { body: { name, script } });
        setValidation(c.version?.validation ?? null);
        nav(`/custom-connectors/${c.id}`);
      }
      await qc.invalidateQueries({ queryKey: ["custom-connectors"] });
    });

  return (
    <section className="custom-connectors">
      <div className="row-between">
        <h2>Custom connectors</h2>
        <Link to="/custom-connectors" role="button" className="outline">
          New connector
        </Link>
      </div>
      <div className="split">
        <aside aria-label="Your custom connectors">
          <ul>
            {list.data?.map((c) => (
              <li key={c.id}>
                <Link to={`/custom-connectors/${c.id}`} aria-current={c.id === id ? "page" : undefined}>
                  {c.name}
                </Link>{" "}
                <small className="muted">v{c.latest_version}</small>
              </li>
            ))}
          </ul>
          {list.data?.length === 0 && <p className="muted">None yet.</p>}
        </aside>
        <div className="editor-pane">
          <label>
            Name
            <input name="connector-name" value={name} disabled={!!saved} onChange={(e) => setName(e.target.value)} placeholder="my-api" />
          </label>
          {saved && <small className="muted">Saved as {saved.connector.replace(/@\d+$/, "")}@{saved.latest_version}; saving makes a new version.</small>}
          <LuaEditor value={script} onChange={setScript} problems={problems} />
          <ContractView />
          <details>
            <summary>Test settings</summary>
            <div className="grid">
              <label>
                Settings (config JSON)
                <textarea name="test-config" rows={3} value={config} onChange={(e) => setConfig(e.target.value)} />
              </label>
              <label>
                Credentials (JSON)
                <textarea name="test-credentials" rows={3} value={credentials} onChange={(e) => setCredentials(e.target.value)} />
              </label>
            </div>
          </details>
          <div className="actions">
            <button className="outline" onClick={validate} aria-busy={busy === "validate"}>
              Validate
            </button>
            <button className="outline" onClick={test} aria-busy={busy === "test"}>
              Test
            </button>
            <button onClick={save} disabled={!name.trim()} aria-busy={busy === "save"}>
              {saved ? "Save new version" : "Save"}
            </button>
          </div>
          <ErrorBox error={error} />
          {validation && <ValidationView v={validation} />}
          {report && <TestReportView report={report} />}
        </div>
      </div>
    </section>
  );
}
