// API tokens for scripts; the secret is shown once. Agent tokens live on each snapshot's page.
import { FormEvent, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { ApiToken } from "../api/types";
import { ErrorBox } from "../components/ErrorBox";

export function TokensPage() {
  const tokens = useQuery({
    queryKey: ["api-tokens"],
    queryFn: () => api<{ items: ApiToken[] }>("/api/v1/api-tokens").then((r) => r.items),
  });
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const [days, setDays] = useState("");
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const t = await api<ApiToken>("/api/v1/api-tokens", { body: { name, ...(days ? { expires_in_days: Number(days) } : {}) } });
      setSecret(t.token ?? null);
      setName("");
      await qc.invalidateQueries({ queryKey: ["api-tokens"] });
    } catch (err) {
      setError(err);
    }
  };
  const revoke = async (id: string) => {
    try {
      await api(`/api/v1/api-tokens/${id}`, { method: "DELETE" });
      await qc.invalidateQueries({ queryKey: ["api-tokens"] });
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section>
      <h2>API tokens</h2>
      <p className="muted">For scripts: send <code>Authorization: Bearer scr_…</code>. Agent tokens are made on a snapshot's page (Agents).</p>
      <form onSubmit={create} role="group" aria-label="New API token">
        <input placeholder="Token name" aria-label="Token name" required value={name} onChange={(e) => setName(e.target.value)} />
        <input type="number" min={1} max={3650} placeholder="Days (optional)" aria-label="Expires in days" value={days} onChange={(e) => setDays(e.target.value)} />
        <button type="submit">Create token</button>
      </form>
      {secret && (
        <p className="ok-box" role="status">
          Copy it now, it is not shown again: <code className="secret">{secret}</code>
        </p>
      )}
      <ErrorBox error={error ?? tokens.error} />
      <div className="overflow-auto">
        <table className="striped">
          <thead>
            <tr>
              <th>Name</th>
              <th>Prefix</th>
              <th>Created</th>
              <th>Expires</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.data?.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td>
                  <code>{t.prefix}</code>
                </td>
                <td>{t.created_at ? new Date(t.created_at).toLocaleString() : ""}</td>
                <td>{t.expires_at ? new Date(t.expires_at).toLocaleString() : "never"}</td>
                <td>{t.last_used_at ? new Date(t.last_used_at).toLocaleString() : "—"}</td>
                <td>
                  <button className="mini" onClick={() => revoke(t.id)}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
