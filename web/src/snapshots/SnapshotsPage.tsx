// The list of snapshots, and a form to create one.
import { FormEvent, useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { Snapshot } from "../api/types";
import { ErrorBox } from "../components/ErrorBox";
import { useSnapshots } from "./useSnapshots";

export function SnapshotsPage() {
  const snapshots = useSnapshots();
  const qc = useQueryClient();
  const nav = useNavigate();
  const [name, setName] = useState("");
  const [error, setError] = useState<unknown>(null);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const s = await api<Snapshot>("/api/v1/snapshots", { body: { name } });
      await qc.invalidateQueries({ queryKey: ["snapshots"] });
      nav(`/snapshots/${s.id}`);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section>
      <h2>Snapshots</h2>
      <form onSubmit={create} role="group" aria-label="New snapshot">
        <input name="snapshot-name" placeholder="New snapshot name" required value={name} onChange={(e) => setName(e.target.value)} />
        <button type="submit">Create snapshot</button>
      </form>
      <ErrorBox error={error ?? snapshots.error} />
      <div className="overflow-auto">
        <table className="striped">
          <thead>
            <tr>
              <th>Name</th>
              <th>Tables</th>
              <th>Records</th>
              <th>Unpublished</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {snapshots.data?.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link to={`/snapshots/${s.id}`}>{s.name}</Link>
                </td>
                <td>{s.tables.map((t) => t.name).join(", ") || "—"}</td>
                <td>{s.tables.reduce((n, t) => n + t.record_count, 0)}</td>
                <td>{s.tables.reduce((n, t) => n + t.dirty_count, 0)}</td>
                <td>{new Date(s.updated_at).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {snapshots.data?.length === 0 && <p className="muted">No snapshots yet.</p>}
    </section>
  );
}
