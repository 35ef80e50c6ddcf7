import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import { Job } from "../api/types";

export const isFinished = (j: Job | undefined) => !!j && ["succeeded", "failed", "cancelled"].includes(j.state);

/** A job, polled until it ends. */
export function useJob(id: string | null) {
  return useQuery({
    queryKey: ["job", id],
    enabled: !!id,
    queryFn: () => api<Job>(`/api/v1/jobs/${id}`),
    refetchInterval: (q) => (isFinished(q.state.data) ? false : 700),
  });
}
