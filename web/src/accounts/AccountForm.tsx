// Create a connector account: pick a connector (installed or a custom Lua one), fill in its spec's forms.
import { FormEvent, useMemo, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { Account, ConnectorSpec, CustomConnector, Json } from "../api/types";
import { SchemaForm } from "../components/SchemaForm";
import { ErrorBox } from "../components/ErrorBox";
import { useConnectorTypes, useCustomConnectors } from "./useConnectors";

interface Choice {
  value: string;
  label: string;
  spec: ConnectorSpec | null; // null: a custom connector, whose spec is loaded when chosen
  customId?: string;
}

/** The spec of a custom connector's latest version (the list does not carry it). */
function useCustomSpec(id: string | undefined) {
  return useQuery({
    queryKey: ["custom-connector", id],
    enabled: !!id,
    queryFn: () => api<CustomConnector>(`/api/v1/custom-connectors/${id}`),
    select: (c) => {
      const v = c.versions?.find((x) => x.version === c.latest_version);
      return { spec: v?.spec ?? null, valid: v?.valid ?? false };
    },
  });
}

export function AccountForm({ onCreated }: { onCreated(a: Account): void }) {
  const types = useConnectorTypes();
  const customs = useCustomConnectors();
  const qc = useQueryClient();
  const choices: Choice[] = useMemo(() => {
    const out: Choice[] = (types.data ?? [])
      .filter((t) => t.name !== "csv")
      .map((t) => ({ value: t.name, label: t.spec.display_name ?? t.name, spec: t.spec }));
    for (const c of customs.data ?? [])
      out.push({ value: c.connector, label: `${c.name} (custom v${c.latest_version})`, spec: null, customId: c.id });
    return out;
  }, [types.data, customs.data]);
  const [connector, setConnector] = useState("");
  const [name, setName] = useState("");
  const [config, setConfig] = useState<Record<string, Json>>({});
  const [credentials, setCredentials] = useState<Record<string, Json>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const picked = choices.find((c) => c.value === connector);
  const custom = useCustomSpec(picked?.customId);
  const chosen = picked && (picked.spec ? picked : custom.data?.spec ? { ...picked, spec: custom.data.spec } : undefined);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const a = await api<Account>("/api/v1/connector-accounts", {
        body: { connector, display_name: name, config, credentials },
      });
      await qc.invalidateQueries({ queryKey: ["accounts"] });
      setName("");
      setConfig({});
      setCredentials({});
      onCreated(a);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} aria-label="New connector account" className="card-form">
      <label>
        Connector
        <select name="connector" required value={connector} onChange={(e) => { setConnector(e.target.value); setConfig({}); setCredentials({}); }}>
          <option value="">Choose…</option>
          {choices.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      {picked?.customId && custom.data && !custom.data.valid && (
        <p className="error-box">This version of the script is not valid; save a valid version first.</p>
      )}
      {chosen?.spec && (
        <>
          {chosen.spec.description && <p className="muted">{chosen.spec.description}</p>}
          <label>
            Name
            <input name="display_name" required value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <fieldset key={`config-${connector}`}>
            <legend>Settings</legend>
            <SchemaForm idPrefix="config" schema={chosen.spec.config_schema} value={config} onChange={setConfig} />
          </fieldset>
          <fieldset key={`cred-${connector}`}>
            <legend>Credentials</legend>
            <SchemaForm idPrefix="cred" secret schema={chosen.spec.credentials_schema} value={credentials} onChange={setCredentials} />
          </fieldset>
        </>
      )}
      <ErrorBox error={error} />
      <button type="submit" disabled={!chosen || busy} aria-busy={busy}>
        Create account
      </button>
    </form>
  );
}
