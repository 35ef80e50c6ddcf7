// Connector accounts: list, create, check, browse tables, delete.
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { Account } from "../api/types";
import { ErrorBox } from "../components/ErrorBox";
import { AccountForm } from "./AccountForm";
import { AccountTables } from "./AccountTables";
import { useAccounts } from "./useConnectors";

function AccountRow({ account }: { account: Account }) {
  const qc = useQueryClient();
  const [check, setCheck] = useState<{ ok: boolean; message?: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [showTables, setShowTables] = useState(false);
  const [busy, setBusy] = useState(false);

  const runCheck = async () => {
    setBusy(true);
    setError(null);
    setCheck(null);
    try {
      setCheck(await api<{ ok: boolean; message?: string }>(`/api/v1/connector-accounts/${account.id}/check`, { method: "POST" }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    if (!confirm(`Delete ${account.display_name}?`)) return;
    try {
      await api(`/api/v1/connector-accounts/${account.id}`, { method: "DELETE" });
      await qc.invalidateQueries({ queryKey: ["accounts"] });
    } catch (e) {
      setError(e);
    }
  };

  return (
    <article className="account" data-account={account.display_name}>
      <header className="row-between">
        <div>
          <strong>{account.display_name}</strong> <small className="muted">{account.connector}</small>
        </div>
        <div className="actions">
          <button className="outline small" onClick={runCheck} aria-busy={busy}>
            Check
          </button>
          <button className="outline small" onClick={() => setShowTables(!showTables)}>
            {showTables ? "Hide tables" : "Tables"}
          </button>
          <button className="outline secondary small" onClick={remove}>
            Delete
          </button>
        </div>
      </header>
      {check && (
        <p className={check.ok ? "ok-box" : "error-box"} role="status">
          {check.ok ? "Connected" : "Check failed"}
          {check.message ? `: ${check.message}` : ""}
        </p>
      )}
      <ErrorBox error={error} />
      {showTables && <AccountTables accountId={account.id} />}
    </article>
  );
}

export function AccountsPage() {
  const accounts = useAccounts();
  const [creating, setCreating] = useState(false);
  return (
    <section>
      <div className="row-between">
        <h2>Connector accounts</h2>
        <button onClick={() => setCreating(!creating)}>{creating ? "Close" : "New account"}</button>
      </div>
      {creating && <AccountForm onCreated={() => setCreating(false)} />}
      <ErrorBox error={accounts.error} />
      {accounts.data?.map((a) => <AccountRow key={a.id} account={a} />)}
      {accounts.data?.length === 0 && !creating && <p className="muted">No accounts yet. Create one to pull tables from a source.</p>}
    </section>
  );
}
