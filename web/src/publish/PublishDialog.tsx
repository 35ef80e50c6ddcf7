// Publish: the dry-run plan first, then the job with live progress, then its result and failures.
import { useEffect, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { Job, PublishPlan, PublishResult, Snapshot } from "../api/types";
import { ErrorBox } from "../components/ErrorBox";
import { ProgressBar } from "../components/ProgressBar";
import { isFinished, useJob } from "../jobs/useJob";
import { useSnapshotEvents } from "../snapshots/SnapshotEvents";

/** An operation's fields: `field = value` for the values sent. */
function describeFields(fields: unknown): string {
  if (!fields || typeof fields !== "object") return "";
  const entries = Array.isArray(fields) ? fields.map((f) => String(f)) : Object.entries(fields).map(([k, v]) => `${k} = ${JSON.stringify(v)}`);
  return entries.length ? `: ${entries.join(", ")}` : "";
}

export function PublishDialog({ snapshot, onClose }: { snapshot: Snapshot; onClose(): void }) {
  const plan = useQuery({
    queryKey: ["publish-plan", snapshot.id],
    queryFn: () => api<PublishPlan>(`/api/v1/snapshots/${snapshot.id}/publish/plan`, { query: { limit: 100 } }),
    gcTime: 0,
  });
  const [jobId, setJobId] = useState<string | null>(null);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const job = useJob(jobId);
  const qc = useQueryClient();
  const finished = isFinished(job.data);
  const result = job.data?.result as PublishResult | null | undefined;
  const tableName = (id: string) => snapshot.tables.find((t) => t.id === id)?.name ?? id;

  useSnapshotEvents((e) => {
    if (e.kind === "publish.progress") setProgress({ done: Number(e.data.done), total: Number(e.data.total) });
  });
  useEffect(() => {
    if (finished) void qc.invalidateQueries({ queryKey: ["snapshot", snapshot.id] });
  }, [finished]); // eslint-disable-line react-hooks/exhaustive-deps

  const start = async () => {
    setError(null);
    try {
      const r = await api<{ job: Job }>(`/api/v1/snapshots/${snapshot.id}/publish`, { body: {} });
      setJobId(r.job.id);
    } catch (e) {
      setError(e);
    }
  };
  const total = (plan.data?.counts ?? []).reduce((n, c) => n + c.creates + c.updates + c.deletes, 0);

  return (
    <dialog open aria-label="Publish" className="publish-dialog">
      <article>
        <header>
          <button aria-label="Close" rel="prev" onClick={onClose} />
          <h3>Publish {snapshot.name}</h3>
        </header>
        {plan.isLoading && <p aria-busy="true">Planning…</p>}
        <ErrorBox error={plan.error ?? error} />
        {plan.data && (
          <section aria-label="Plan">
            <h4>Plan (dry run)</h4>
            <table className="compact">
              <thead>
                <tr>
                  <th>Table</th>
                  <th>Creates</th>
                  <th>Updates</th>
                  <th>Deletes</th>
                  <th>Skipped</th>
                </tr>
              </thead>
              <tbody>
                {plan.data.counts.map((c) => (
                  <tr key={c.table_id} data-table={c.name}>
                    <td>{c.name}</td>
                    <td className="count-creates">{c.creates}</td>
                    <td className="count-updates">{c.updates}</td>
                    <td className="count-deletes">{c.deletes}</td>
                    <td className="count-skipped">{c.skipped}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {plan.data.operations.length > 0 && (
              <details>
                <summary>Operations ({plan.data.operations.length}{plan.data.next_cursor ? "+" : ""})</summary>
                <ul className="plan-ops">
                  {plan.data.operations.map((o) => (
                    <li key={`${o.table_id}-${o.record_id}-${o.op}`}>
                      {o.op} {tableName(o.table_id)} #{o.record_id}
                      {o.remote_id ? ` (remote ${o.remote_id})` : ""}
                      {describeFields(o.fields)}
                    </li>
                  ))}
                </ul>
              </details>
            )}
            {plan.data.skipped.length > 0 && (
              <p className="muted">
                Skipped: {plan.data.skipped.map((s) => `#${s.record_id} (${s.reason})`).join(", ")}
              </p>
            )}
          </section>
        )}
        {jobId && !finished && <ProgressBar label="Publishing" done={progress?.done ?? 0} total={progress?.total ?? null} unit="operations" />}
        {finished && (
          <section aria-label="Publish result" className={result?.status === "completed" ? "ok-box" : "error-box"} role="status">
            <strong>
              {job.data?.state === "succeeded" ? (result?.status === "completed" ? "Published" : "Published with errors") : `Publish ${job.data?.state}`}
            </strong>
            {result?.counts && (
              <p>
                {Object.entries(result.counts)
                  .map(([op, c]) => `${op}: ${c.succeeded} ok, ${c.failed} failed`)
                  .join(" · ")}
              </p>
            )}
            {result?.failures?.length ? (
              <ul className="failures">
                {result.failures.map((f) => (
                  <li key={`${f.record_id}-${f.op}`}>
                    {f.op} {tableName(f.table_id)} #{f.record_id}: {f.error.code} — {f.error.message}
                  </li>
                ))}
              </ul>
            ) : null}
            {job.data?.error ? <p>{JSON.stringify(job.data.error)}</p> : null}
          </section>
        )}
        <footer>
          <button className="secondary" onClick={onClose}>
            {finished ? "Close" : jobId ? "Hide" : "Cancel"}
          </button>
          {!jobId && (
            <button onClick={start} disabled={!plan.data || total === 0}>
              Publish {total} change{total === 1 ? "" : "s"}
            </button>
          )}
        </footer>
      </article>
    </dialog>
  );
}
