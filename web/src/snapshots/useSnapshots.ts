import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import { Snapshot } from "../api/types";

export function useSnapshots() {
  return useQuery({
    queryKey: ["snapshots"],
    queryFn: () => api<{ items: Snapshot[] }>("/api/v1/snapshots").then((r) => r.items),
  });
}

export function useSnapshot(id: string | undefined) {
  return useQuery({
    queryKey: ["snapshot", id],
    enabled: !!id,
    queryFn: () => api<Snapshot>(`/api/v1/snapshots/${id}`),
  });
}
