// One snapshot: its tables as tabs, the grid of the open table, download, publish, agent tokens, agent chat.
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { AgentChat } from "../agent/AgentChat";
import { ErrorBox } from "../components/ErrorBox";
import { RecordGrid } from "../grid/RecordGrid";
import { PublishDialog } from "../publish/PublishDialog";
import { AddTableForm } from "./AddTableForm";
import { AgentTokens } from "./AgentTokens";
import { DownloadPanel } from "./DownloadPanel";
import { SnapshotEventsProvider, useSnapshotEvents } from "./SnapshotEvents";
import { useSnapshot } from "./useSnapshots";

function LiveBadge() {
  const connected = useSnapshotEvents(() => {});
  return (
    <small className={connected ? "live on" : "live"} data-testid="live" title="Live updates">
      {connected ? "● live" : "○ offline"}
    </small>
  );
}

function SnapshotView({ id, tableId }: { id: string; tableId?: string }) {
  const snapshot = useSnapshot(id);
  const nav = useNavigate();
  const [adding, setAdding] = useState(false);
  const [publishing, setPublishing] = useState(false);
  const [showAgents, setShowAgents] = useState(false);
  const [showChat, setShowChat] = useState(() => localStorage.getItem("scratch.agent-chat") === "1");
  const [gridKey, setGridKey] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const qc = useQueryClient();
  const s = snapshot.data;
  if (snapshot.error) return <ErrorBox error={snapshot.error} />;
  if (!s) return <p aria-busy="true">Loading…</p>;
  const table = s.tables.find((t) => t.id === tableId) ?? s.tables[0];
  const toggleChat = () => {
    localStorage.setItem("scratch.agent-chat", showChat ? "0" : "1");
    setShowChat(!showChat);
  };
  const dirty = s.tables.reduce((n, t) => n + t.dirty_count, 0);
  const removeTable = async () => {
    if (!table || !confirm(`Remove ${table.name} and its unpublished edits from this snapshot?`)) return;
    try {
      await api(`/api/v1/snapshots/${s.id}/tables/${table.id}`, { method: "DELETE" });
      await qc.invalidateQueries({ queryKey: ["snapshot", s.id] });
      nav(`/snapshots/${s.id}`);
    } catch (e) {
      setError(e);
    }
  };
  const removeSnapshot = async () => {
    if (!confirm(`Delete the snapshot ${s.name} with its tables, edits and suggestions?`)) return;
    try {
      await api(`/api/v1/snapshots/${s.id}`, { method: "DELETE" });
      await qc.invalidateQueries({ queryKey: ["snapshots"] });
      nav("/snapshots");
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section className="snapshot">
      <div className="row-between">
        <h2>
          <Link to="/snapshots">Snapshots</Link> / {s.name} <LiveBadge />
        </h2>
        <div className="actions">
          <DownloadPanel snapshot={s} onFinished={() => setGridKey((k) => k + 1)} />
          <button onClick={() => setPublishing(true)} disabled={s.tables.length === 0}>
            Publish{dirty ? ` (${dirty})` : ""}
          </button>
          <button className="outline" onClick={() => setAdding(!adding)}>
            {adding ? "Close" : "Add table"}
          </button>
          <button className={showChat ? "secondary" : "outline secondary"} onClick={toggleChat} aria-pressed={showChat}>
            Agent chat
          </button>
          <button className="outline secondary" onClick={() => setShowAgents(!showAgents)}>
            Agents
          </button>
          <details className="dropdown more-menu">
            <summary>More</summary>
            <ul>
              <li>
                <a href="#" onClick={(e) => { e.preventDefault(); void removeTable(); }} aria-disabled={!table}>
                  Remove this table
                </a>
              </li>
              <li>
                <a href="#" onClick={(e) => { e.preventDefault(); void removeSnapshot(); }}>
                  Delete snapshot
                </a>
              </li>
            </ul>
          </details>
        </div>
      </div>
      <ErrorBox error={error} />
      {adding && <AddTableForm snapshotId={s.id} onAdded={(t) => { setAdding(false); nav(`/snapshots/${s.id}/tables/${t.id}`); }} />}
      {showAgents && <AgentTokens snapshotId={s.id} />}
      <div className={showChat ? "snapshot-body with-chat" : "snapshot-body"}>
        <div className="snapshot-main">
          <nav className="table-tabs" aria-label="Tables">
            {s.tables.map((t) => (
              <Link key={t.id} to={`/snapshots/${s.id}/tables/${t.id}`} className={t.id === table?.id ? "tab active" : "tab"} aria-current={t.id === table?.id ? "page" : undefined}>
                {t.name} <small>{t.record_count.toLocaleString()}</small>
                {t.dirty_count > 0 && <small className="badge">{t.dirty_count} changed</small>}
                {t.conflict_count > 0 && <small className="badge warn">{t.conflict_count} conflicts</small>}
              </Link>
            ))}
          </nav>
          {table ? (
            <RecordGrid key={`${table.id}-${gridKey}-${table.fields.length}`} snapshotId={s.id} table={table} />
          ) : (
            <p className="muted">No tables yet. Add one from a connector account, then download it.</p>
          )}
        </div>
        {showChat && <AgentChat snapshotId={s.id} />}
      </div>
      {publishing && <PublishDialog snapshot={s} onClose={() => setPublishing(false)} />}
    </section>
  );
}

export function SnapshotPage() {
  const { id, tableId } = useParams();
  if (!id) return null;
  return (
    <SnapshotEventsProvider snapshotId={id}>
      <SnapshotView id={id} tableId={tableId} />
    </SnapshotEventsProvider>
  );
}
