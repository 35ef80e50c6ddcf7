// Add a table of one of your connector accounts to the snapshot.
import { FormEvent, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { SnapshotTable } from "../api/types";
import { ErrorBox } from "../components/ErrorBox";
import { useAccounts } from "../accounts/useConnectors";
import { useAccountTables } from "../accounts/AccountTables";

export function AddTableForm({ snapshotId, onAdded }: { snapshotId: string; onAdded(t: SnapshotTable): void }) {
  const accounts = useAccounts();
  const [accountId, setAccountId] = useState("");
  const [table, setTable] = useState("");
  const tables = useAccountTables(accountId || undefined);
  const [error, setError] = useState<unknown>(null);
  const qc = useQueryClient();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const t = await api<SnapshotTable>(`/api/v1/snapshots/${snapshotId}/tables`, { body: { account_id: accountId, table } });
      await qc.invalidateQueries({ queryKey: ["snapshot", snapshotId] });
      setTable("");
      onAdded(t);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <form onSubmit={submit} aria-label="Add table" className="card-form">
      <div className="grid">
        <label>
          Account
          <select name="account" required value={accountId} onChange={(e) => { setAccountId(e.target.value); setTable(""); }}>
            <option value="">Choose…</option>
            {accounts.data?.map((a) => (
              <option key={a.id} value={a.id}>
                {a.display_name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Table
          <select name="table" required value={table} onChange={(e) => setTable(e.target.value)} aria-busy={tables.isFetching}>
            <option value="">{tables.isFetching ? "Loading…" : "Choose…"}</option>
            {tables.data?.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorBox error={error ?? tables.error} />
      <button type="submit" disabled={!table}>
        Add table
      </button>
    </form>
  );
}
