// The table editor: a virtualised grid (only the visible rows are in the DOM) over records paged in with
// the API's cursor; server-side filter, sort and search; inline editing; suggestions and conflicts in
// the cells; live updates from the snapshot's event stream. Keys: arrows move, Enter edits, Escape cancels.
import { KeyboardEvent, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { Field, RecordRow, SnapshotTable } from "../api/types";
import { describeError } from "../api/problem";
import { useSnapshotEvents } from "../snapshots/SnapshotEvents";
import { GridCell } from "./GridCell";
import { RowHeader } from "./RowHeader";
import { GridToolbar, ToolbarState, emptyToolbar, toFilter } from "./GridToolbar";
import { RecordActions } from "./recordActions";
import { useRecordPages } from "./useRecordPages";
import { parseValue } from "./values";
import { RecordDetailBar } from "./RecordDetailBar";
import { useNarrow } from "./useNarrow";

const ROW_HEIGHT = 36;

interface Pos {
  row: number;
  col: number;
}

interface EditPos extends Pos {
  seed?: string; // typing on a cell starts editing with that character
}

export function RecordGrid({ snapshotId, table }: { snapshotId: string; table: SnapshotTable }) {
  const fields = table.fields;
  const narrow = useNarrow();
  const HEADER_WIDTH = narrow ? 72 : 230;
  const COL_WIDTH = narrow ? 150 : 200;
  const [toolbar, setToolbar] = useState<ToolbarState>(emptyToolbar);
  const [sort, setSort] = useState<{ field: string; dir: "asc" | "desc" } | null>(null);
  const query = useMemo(
    () => ({ filter: toFilter(toolbar, fields), sort: sort ? `${sort.field}:${sort.dir}` : "", search: toolbar.search }),
    [toolbar, sort, fields],
  );
  const pages = useRecordPages(snapshotId, table.id, query);
  const actions = useMemo(() => new RecordActions(snapshotId, table.id), [snapshotId, table.id]);
  const [active, setActive] = useState<Pos>({ row: 0, col: 0 });
  const [editing, setEditing] = useState<EditPos | null>(null);
  const [message, setMessage] = useState<string>("");
  const scrollRef = useRef<HTMLDivElement>(null);

  const virtualizer = useVirtualizer({
    count: pages.count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const lastVisible = items.length ? items[items.length - 1].index : 0;
  useEffect(() => pages.ensure(lastVisible), [lastVisible, pages.ensure, pages.rows.length]); // eslint-disable-line

  // Live updates: re-read the records another tab, an agent or a job changed.
  const { patch, reload, has } = pages;
  useSnapshotEvents((e) => {
    if (e.kind === "table.changed" && e.data.table_id === table.id && e.data.change === "downloaded") reload();
    if (e.kind !== "records.changed" || e.data.table_id !== table.id) return;
    const ids = (e.data.record_ids as string[]) ?? [];
    const count = Number(e.data.count ?? ids.length);
    if (count > ids.length || count > 50 || e.data.source === "download" || e.data.source === "bulk") {
      reload();
      return;
    }
    const loaded = ids.filter(has);
    Promise.all(loaded.map((id) => actions.get(id).catch(() => null))).then((rs) =>
      patch(rs.filter((r): r is RecordRow => !!r)),
    );
  });

  const run = useCallback(
    async (what: Promise<RecordRow | unknown>, ok?: string) => {
      try {
        const r = await what;
        if (r && typeof r === "object" && "values" in (r as RecordRow)) patch([r as RecordRow]);
        if (ok) setMessage(ok);
      } catch (e) {
        setMessage(describeError(e));
      }
    },
    [patch],
  );

  const onCommit = useCallback(
    (record: RecordRow, field: Field, text: string) => {
      setEditing(null);
      scrollRef.current?.focus();
      let value;
      try {
        value = parseValue(field, text);
      } catch (e) {
        setMessage(describeError(e));
        return;
      }
      void run(actions.edit(record.id, { [field.id]: value }), "Saved");
    },
    [actions, run],
  );
  const onCancel = useCallback(() => {
    setEditing(null);
    scrollRef.current?.focus();
  }, []);
  const onActivate = useCallback((row: number, col: number) => setActive({ row, col }), []);
  const onStartEdit = useCallback(
    (row: number, col: number, seed?: string) => {
      const f = fields[col];
      const r = pages.rows[row];
      if (!f || !r) return;
      if (f.read_only || table.read_only || r.state === "deleted") {
        setMessage(r.state === "deleted" ? "This record is deleted: revert it to edit" : `${f.name} is read-only`);
        return;
      }
      setActive({ row, col });
      setEditing({ row, col, seed });
    },
    [fields, pages.rows, table.read_only],
  );
  const onSuggestion = useCallback(
    (record: RecordRow, field: Field, verb: "accept" | "reject") =>
      void run(
        actions.suggestions(verb, { recordId: record.id, fields: [field.id] }).then(() => actions.get(record.id)),
        verb === "accept" ? "Suggestion accepted" : "Suggestion rejected",
      ),
    [actions, run],
  );
  const onRecordSuggestions = useCallback(
    (record: RecordRow, verb: "accept" | "reject") =>
      void run(actions.suggestions(verb, { recordId: record.id }).then(() => actions.get(record.id)), `Suggestions ${verb}ed`),
    [actions, run],
  );
  const onResolve = useCallback(
    (record: RecordRow, field: Field, side: "local" | "remote") =>
      void run(actions.resolve(record.id, { fields: { [field.id]: side } }), "Conflict resolved"),
    [actions, run],
  );
  const onResolveRecord = useCallback(
    (record: RecordRow, body: unknown) => void run(actions.resolve(record.id, body), "Resolved"),
    [actions, run],
  );
  const onRevert = useCallback((record: RecordRow) => void run(actions.revert(record.id), "Reverted"), [actions, run]);
  const onDelete = useCallback(
    async (record: RecordRow) => {
      try {
        const r = await actions.remove(record.id);
        if ("removed" in r) pages.removeRow(record.id);
        else patch([r]);
      } catch (e) {
        setMessage(describeError(e));
      }
    },
    [actions, patch, pages],
  );
  const onAllSuggestions = async (verb: "accept" | "reject") => {
    try {
      const r = await actions.suggestions(verb, {});
      setMessage(`${r.accepted ?? r.rejected ?? 0} suggestions ${verb}ed`);
      reload();
    } catch (e) {
      setMessage(describeError(e));
    }
  };

  const move = (row: number, col: number) => {
    const maxRow = Math.max(0, (pages.total ?? pages.rows.length) - 1);
    const next = { row: Math.min(Math.max(row, 0), maxRow), col: Math.min(Math.max(col, 0), fields.length - 1) };
    setActive(next);
    virtualizer.scrollToIndex(next.row, { align: "auto" });
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (editing) return;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 360) / ROW_HEIGHT) - 1);
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(active.row + 1, active.col),
      ArrowUp: () => move(active.row - 1, active.col),
      ArrowRight: () => move(active.row, active.col + 1),
      ArrowLeft: () => move(active.row, active.col - 1),
      PageDown: () => move(active.row + page, active.col),
      PageUp: () => move(active.row - page, active.col),
      Home: () => move(e.ctrlKey ? 0 : active.row, 0),
      End: () => move(e.ctrlKey ? (pages.total ?? pages.rows.length) - 1 : active.row, fields.length - 1),
      Enter: () => onStartEdit(active.row, active.col),
      F2: () => onStartEdit(active.row, active.col),
      Tab: () => move(active.row, active.col + (e.shiftKey ? -1 : 1)),
    };
    const k = keys[e.key];
    if (k) {
      e.preventDefault();
      k();
    } else if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      onStartEdit(active.row, active.col, e.key);
    }
  };
  // keep the active cell in view horizontally
  useEffect(() => {
    const el = scrollRef.current?.querySelector<HTMLElement>(`.cell.active`);
    el?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }, [active]);

  const toggleSort = (f: Field) =>
    setSort((s) => (!s || s.field !== f.id ? { field: f.id, dir: "asc" } : s.dir === "asc" ? { field: f.id, dir: "desc" } : null));

  const width = HEADER_WIDTH + fields.length * COL_WIDTH;
  const status = `${pages.rows.length.toLocaleString()} of ${pages.total === null ? "…" : pages.total.toLocaleString()} loaded`;

  return (
    <div className="record-grid">
      <GridToolbar fields={fields} state={toolbar} onChange={setToolbar} onAllSuggestions={onAllSuggestions} status={status} />
      {message && (
        <p className="grid-message" role="status" onClick={() => setMessage("")}>
          {message}
        </p>
      )}
      <RecordDetailBar record={pages.rows[active.row]} row={active.row} onResolve={onResolveRecord} />
      {pages.error ? <p className="error-box">{describeError(pages.error)}</p> : null}
      <div
        ref={scrollRef}
        className="grid-scroll"
        role="grid"
        aria-label={`Records of ${table.name}`}
        aria-rowcount={pages.count}
        aria-colcount={fields.length + 1}
        tabIndex={0}
        onKeyDown={onKeyDown}
      >
        <div className="grid-header" role="row" style={{ width }}>
          <div className="cell row-header header-corner" role="columnheader" style={{ width: HEADER_WIDTH }}>
            #
          </div>
          {fields.map((f) => (
            <div
              key={f.id}
              role="columnheader"
              className="cell header-cell"
              style={{ width: COL_WIDTH }}
              aria-sort={sort?.field === f.id ? (sort.dir === "asc" ? "ascending" : "descending") : "none"}
              onClick={() => toggleSort(f)}
              title={`${f.type}${f.read_only ? ", read-only" : ""} — click to sort`}
            >
              {f.name}
              <small className="muted"> {f.type}</small>
              {sort?.field === f.id && <span>{sort.dir === "asc" ? " ▲" : " ▼"}</span>}
            </div>
          ))}
        </div>
        {pages.done && pages.rows.length === 0 && !pages.error && (
          <p className="grid-empty muted">
            {query.filter || query.search ? "No records match." : "No records yet: download the table from its source."}
          </p>
        )}
        <div className="grid-body" style={{ height: virtualizer.getTotalSize(), width }}>
          {items.map((vi) => {
            const record = pages.rows[vi.index];
            return (
              <div
                key={vi.key}
                role="row"
                aria-rowindex={vi.index + 1}
                className={`grid-row ${record ? `state-${record.state}` : "placeholder"} ${record?.publish_error ? "has-error" : ""}`}
                data-record-id={record?.id}
                style={{ transform: `translateY(${vi.start}px)`, height: ROW_HEIGHT, width }}
              >
                {record ? (
                  <>
                    <div className="row-header-wrap" style={{ width: HEADER_WIDTH }}>
                      <RowHeader record={record} row={vi.index} compact={narrow} onRecordSuggestions={onRecordSuggestions} onRevert={onRevert} onDelete={onDelete} />
                    </div>
                    {fields.map((f, c) => (
                      <GridCell
                        key={f.id}
                        record={record}
                        field={f}
                        row={vi.index}
                        col={c}
                        width={COL_WIDTH}
                        active={active.row === vi.index && active.col === c}
                        editing={editing?.row === vi.index && editing.col === c}
                        seed={editing?.row === vi.index && editing.col === c ? editing.seed : undefined}
                        onActivate={onActivate}
                        onStartEdit={onStartEdit}
                        onCommit={onCommit}
                        onCancel={onCancel}
                        onSuggestion={onSuggestion}
                        onResolve={onResolve}
                      />
                    ))}
                  </>
                ) : (
                  <div className="cell loading-row">Loading…</div>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
