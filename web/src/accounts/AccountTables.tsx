// The tables (and fields) a connector account offers.
import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import { SourceTable } from "../api/types";
import { ErrorBox } from "../components/ErrorBox";

export function useAccountTables(accountId: string | undefined) {
  return useQuery({
    queryKey: ["account-tables", accountId],
    enabled: !!accountId,
    queryFn: () => api<{ tables: SourceTable[] }>(`/api/v1/connector-accounts/${accountId}/tables`).then((r) => r.tables ?? []),
  });
}

export function AccountTables({ accountId }: { accountId: string }) {
  const tables = useAccountTables(accountId);
  if (tables.isLoading) return <p aria-busy="true">Loading tables…</p>;
  if (tables.error) return <ErrorBox error={tables.error} />;
  return (
    <div className="account-tables" aria-label="Source tables">
      {(tables.data ?? []).map((t) => (
        <details key={t.id}>
          <summary>
            <span className="table-name">{t.name}</span> <small className="muted">({t.fields.length} fields{t.read_only ? ", read-only" : ""})</small>
          </summary>
          <table className="striped compact">
            <thead>
              <tr>
                <th>Field</th>
                <th>Type</th>
              </tr>
            </thead>
            <tbody>
              {t.fields.map((f) => (
                <tr key={f.id}>
                  <td>{f.name}</td>
                  <td>
                    {f.type}
                    {f.read_only ? " (read-only)" : ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ))}
      {tables.data?.length === 0 && <p className="muted">No tables.</p>}
    </div>
  );
}
