// One live event stream per open snapshot (GET /snapshots/{id}/events), shared by the page's parts.
import { createContext, ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { openEventStream } from "../api/sse";

export interface SnapshotEvent {
  seq: number;
  kind: string;
  data: Record<string, unknown>;
}

type Handler = (e: SnapshotEvent) => void;

interface Bus {
  subscribe(h: Handler): () => void;
  connected: boolean;
}

const Ctx = createContext<Bus | null>(null);

export function SnapshotEventsProvider({ snapshotId, children }: { snapshotId: string; children: ReactNode }) {
  const handlers = useRef(new Set<Handler>());
  const [connected, setConnected] = useState(false);
  const qc = useQueryClient();

  useEffect(() => {
    const stream = openEventStream(
      `/api/v1/snapshots/${snapshotId}/events`,
      (raw) => {
        let e: SnapshotEvent;
        try {
          const body = JSON.parse(raw.data);
          e = { seq: body.seq, kind: body.kind ?? raw.event, data: body.data ?? {} };
        } catch {
          return;
        }
        if (e.kind === "table.changed" || e.kind === "snapshot.changed" || e.kind === "records.changed" || e.kind === "publish.finished")
          void qc.invalidateQueries({ queryKey: ["snapshot", snapshotId] });
        handlers.current.forEach((h) => h(e));
      },
      setConnected,
    );
    return () => stream.close();
  }, [snapshotId, qc]);

  const subscribe = useCallback((h: Handler) => {
    handlers.current.add(h);
    return () => {
      handlers.current.delete(h);
    };
  }, []);
  const bus = useMemo<Bus>(() => ({ connected, subscribe }), [connected, subscribe]);
  return <Ctx.Provider value={bus}>{children}</Ctx.Provider>;
}

/** Calls handler for every event of the open snapshot (the latest handler; no resubscribe needed). */
export function useSnapshotEvents(handler: Handler): boolean {
  const bus = useContext(Ctx);
  const latest = useRef(handler);
  latest.current = handler;
  const subscribe = bus?.subscribe;
  useEffect(() => subscribe?.((e) => latest.current(e)), [subscribe]);
  return bus?.connected ?? false;
}
