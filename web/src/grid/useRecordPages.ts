// Records of one table, paged in with the API's keyset cursor as the grid scrolls towards the end of
// what is loaded. Only the query (filter, sort, search) resets the pages; live changes patch rows in place.
import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "../api/client";
import { RecordPage, RecordRow } from "../api/types";

export interface RecordQuery {
  filter: unknown | null;
  sort: string;
  search: string;
}

const FIRST_PAGE = 200;
const PAGE = 1000;
const AHEAD = 300; // start the next page this many rows before the end of what is loaded

interface Store {
  rows: RecordRow[];
  index: Map<string, number>;
  cursor: string | null;
  done: boolean;
  total: number | null;
  loading: boolean;
  error: unknown;
  generation: number;
}

const empty = (generation: number): Store => ({
  rows: [],
  index: new Map(),
  cursor: null,
  done: false,
  total: null,
  loading: false,
  error: null,
  generation,
});

export function useRecordPages(snapshotId: string, tableId: string, query: RecordQuery) {
  const store = useRef<Store>(empty(0));
  const [, setTick] = useState(0);
  const rerender = () => setTick((t) => t + 1);
  const base = `/api/v1/snapshots/${snapshotId}/tables/${tableId}/records`;
  const key = JSON.stringify([base, query]);
  const wanted = useRef(0);

  const loadMore = useCallback(async () => {
    const s = store.current;
    if (s.loading || s.done) return;
    s.loading = true;
    const generation = s.generation;
    try {
      const first = s.rows.length === 0;
      const page = await api<RecordPage>(base, {
        query: {
          limit: first ? FIRST_PAGE : PAGE,
          cursor: s.cursor,
          filter: query.filter ? JSON.stringify(query.filter) : undefined,
          sort: query.sort || undefined,
          search: query.search || undefined,
          include_total: first ? true : undefined,
        },
      });
      if (store.current.generation !== generation) return;
      for (const r of page.items) {
        s.index.set(r.id, s.rows.length);
        s.rows.push(r);
      }
      if (first && page.total !== undefined) s.total = page.total;
      s.cursor = page.next_cursor;
      s.done = !page.next_cursor;
      if (s.done) s.total = s.rows.length;
      s.error = null;
    } catch (e) {
      if (store.current.generation === generation) {
        s.error = e;
        s.done = true;
      }
    } finally {
      if (store.current.generation === generation) {
        s.loading = false;
        rerender();
        // keep going while the viewport still wants rows past what is loaded
        if (!s.done && wanted.current >= s.rows.length - AHEAD) void loadMore();
      }
    }
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps

  const reload = useCallback(() => {
    store.current = empty(store.current.generation + 1);
    rerender();
    void loadMore();
  }, [loadMore]);

  useEffect(() => {
    reload();
  }, [reload]);

  /** Called with the last visible row index: pages in what is needed to show it. */
  const ensure = useCallback(
    (lastVisible: number) => {
      wanted.current = lastVisible;
      const s = store.current;
      if (!s.done && !s.loading && lastVisible >= s.rows.length - AHEAD) void loadMore();
    },
    [loadMore],
  );

  /** Replaces loaded rows with newer versions (from an edit's answer or a live update). */
  const patch = useCallback((records: RecordRow[]) => {
    const s = store.current;
    let changed = false;
    for (const r of records) {
      const i = s.index.get(r.id);
      if (i !== undefined) {
        s.rows[i] = r;
        changed = true;
      }
    }
    if (changed) rerender();
  }, []);

  const removeRow = useCallback((id: string) => {
    const s = store.current;
    const i = s.index.get(id);
    if (i === undefined) return;
    s.rows.splice(i, 1);
    s.index = new Map(s.rows.map((r, n) => [r.id, n]));
    if (s.total !== null) s.total -= 1;
    rerender();
  }, []);

  const s = store.current;
  return {
    rows: s.rows,
    total: s.total,
    done: s.done,
    loading: s.loading,
    error: s.error,
    count: s.total ?? s.rows.length + (s.done ? 0 : 1),
    has: (id: string) => s.index.has(id),
    ensure,
    patch,
    removeRow,
    reload,
  };
}
