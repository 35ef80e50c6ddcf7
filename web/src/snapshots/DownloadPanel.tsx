// Download the snapshot's tables from their sources, with a live progress bar per table.
import { useEffect, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { Job, Snapshot } from "../api/types";
import { ErrorBox } from "../components/ErrorBox";
import { ProgressBar } from "../components/ProgressBar";
import { isFinished, useJob } from "../jobs/useJob";
import { useSnapshotEvents } from "./SnapshotEvents";

interface Progress {
  records: number;
  total: number | null;
}

export function DownloadPanel({ snapshot, onFinished }: { snapshot: Snapshot; onFinished(): void }) {
  const [jobId, setJobId] = useState<string | null>(null);
  const [progress, setProgress] = useState<Record<string, Progress>>({});
  const [error, setError] = useState<unknown>(null);
  const job = useJob(jobId);
  const qc = useQueryClient();

  useSnapshotEvents((e) => {
    if (e.kind !== "download.progress") return;
    const d = e.data as { table_id: string; records: number; total: number | null };
    setProgress((p) => ({ ...p, [d.table_id]: { records: d.records, total: d.total ?? null } }));
  });

  const finished = isFinished(job.data);
  useEffect(() => {
    if (!finished) return;
    void qc.invalidateQueries({ queryKey: ["snapshot", snapshot.id] });
    onFinished();
  }, [finished]); // eslint-disable-line react-hooks/exhaustive-deps

  const start = async () => {
    setError(null);
    setProgress({});
    try {
      const r = await api<{ job: Job }>(`/api/v1/snapshots/${snapshot.id}/download`, { body: {} });
      setJobId(r.job.id);
    } catch (e) {
      setError(e);
    }
  };
  const running = !!jobId && !finished;
  const cancel = async () => {
    try {
      await api(`/api/v1/jobs/${jobId}/cancel`, { method: "POST" });
    } catch (e) {
      setError(e);
    }
  };

  return (
    <div className="download-panel">
      <button onClick={start} disabled={running || snapshot.tables.length === 0} aria-busy={running}>
        Download
      </button>
      {running && (
        <button className="outline secondary small" onClick={cancel}>
          Cancel
        </button>
      )}
      {jobId && (
        <div className="download-status" aria-live="polite">
          {running && snapshot.tables.map((t) => {
            const p = progress[t.id];
            return p ? <ProgressBar key={t.id} label={`Downloading ${t.name}`} done={p.records} total={p.total} unit="records" /> : null;
          })}
          {running && Object.keys(progress).length === 0 && <ProgressBar label="Download queued" done={0} total={null} />}
          {finished && (
            <p className={job.data?.state === "succeeded" ? "ok-box" : "error-box"} role="status">
              Download {job.data?.state}
              {job.data?.error ? `: ${JSON.stringify(job.data.error)}` : ""}
            </p>
          )}
        </div>
      )}
      <ErrorBox error={error} />
    </div>
  );
}
