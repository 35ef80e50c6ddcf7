// Agent tokens of a snapshot: read and suggest only; the secret is shown once.
import { FormEvent, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { AgentToken } from "../api/types";
import { ErrorBox } from "../components/ErrorBox";

export function AgentTokens({ snapshotId }: { snapshotId: string }) {
  const key = ["agent-tokens", snapshotId];
  const tokens = useQuery({
    queryKey: key,
    queryFn: () => api<{ items: AgentToken[] }>(`/api/v1/snapshots/${snapshotId}/agent-tokens`).then((r) => r.items),
  });
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const t = await api<AgentToken>(`/api/v1/snapshots/${snapshotId}/agent-tokens`, { body: { name } });
      setSecret(t.token ?? null);
      setName("");
      await qc.invalidateQueries({ queryKey: key });
    } catch (err) {
      setError(err);
    }
  };
  const revoke = async (id: string) => {
    try {
      await api(`/api/v1/snapshots/${snapshotId}/agent-tokens/${id}`, { method: "DELETE" });
      await qc.invalidateQueries({ queryKey: key });
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-label="Agent tokens">
      <h4>Agent tokens</h4>
      <form role="group" onSubmit={create}>
        <input placeholder="Agent token name" aria-label="Agent token name" required value={name} onChange={(e) => setName(e.target.value)} />
        <button type="submit">Create agent token</button>
      </form>
      {secret && (
        <p className="ok-box">
          Copy it now, it is not shown again: <code className="secret">{secret}</code>
        </p>
      )}
      <ErrorBox error={error ?? tokens.error} />
      <ul>
        {tokens.data?.map((t) => (
          <li key={t.id}>
            {t.name} <code>{t.prefix}…</code> <small>expires {new Date(t.expires_at).toLocaleString()}</small>{" "}
            <button className="mini" onClick={() => revoke(t.id)}>
              Revoke
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
