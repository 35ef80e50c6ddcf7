// Your background jobs, refreshed while any is running; cancel a running one.
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import { Job } from "../api/types";
import { ErrorBox } from "../components/ErrorBox";

function summary(j: Job): string {
  if (j.error) return typeof j.error === "object" ? JSON.stringify(j.error) : String(j.error);
  const r = j.result as { status?: string } | null;
  if (r?.status) return r.status;
  return j.progress?.message ?? "";
}

export function JobsPage() {
  const [state, setState] = useState("");
  const jobs = useQuery({
    queryKey: ["jobs", state],
    queryFn: () => api<{ items: Job[] }>("/api/v1/jobs", { query: { state, limit: 100 } }).then((r) => r.items),
    refetchInterval: (q) => (q.state.data?.some((j) => j.state === "queued" || j.state === "running") ? 1000 : 5000),
  });
  const [error, setError] = useState<unknown>(null);
  const cancel = async (id: string) => {
    try {
      await api(`/api/v1/jobs/${id}/cancel`, { method: "POST" });
      await jobs.refetch();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section>
      <div className="row-between">
        <h2>Jobs</h2>
        <select aria-label="State" value={state} onChange={(e) => setState(e.target.value)} className="narrow">
          <option value="">All states</option>
          {["queued", "running", "succeeded", "failed", "cancelled"].map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </div>
      <ErrorBox error={error ?? jobs.error} />
      <div className="overflow-auto">
        <table className="striped jobs">
          <thead>
            <tr>
              <th>Type</th>
              <th>State</th>
              <th>Progress</th>
              <th>Result</th>
              <th>Created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {jobs.data?.map((j) => (
              <tr key={j.id} data-job-type={j.type}>
                <td>{j.type}</td>
                <td className={`job-state ${j.state}`}>{j.state}</td>
                <td>
                  {j.progress?.total ? (
                    <progress value={j.progress.done ?? 0} max={j.progress.total} />
                  ) : (
                    j.progress?.done ?? ""
                  )}
                </td>
                <td className="job-summary">{summary(j)}</td>
                <td>{new Date(j.created_at).toLocaleString()}</td>
                <td>
                  {(j.state === "queued" || j.state === "running") && (
                    <button className="mini" onClick={() => cancel(j.id)}>
                      Cancel
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {jobs.data?.length === 0 && <p className="muted">No jobs.</p>}
    </section>
  );
}
