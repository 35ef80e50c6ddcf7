// One cell: the value (marked when edited), a pending suggestion beside it with accept/reject, a conflict
// with both values, or the inline editor.
import { memo } from "react";
import { Field, RecordRow } from "../api/types";
import { formatValue } from "./values";
import { CellEditor } from "./CellEditor";

interface Props {
  record: RecordRow;
  field: Field;
  row: number;
  col: number;
  active: boolean;
  editing: boolean;
  seed?: string;
  width: number;
  onActivate(row: number, col: number): void;
  onStartEdit(row: number, col: number): void;
  onCommit(record: RecordRow, field: Field, text: string): void;
  onCancel(): void;
  onSuggestion(record: RecordRow, field: Field, verb: "accept" | "reject"): void;
  onResolve(record: RecordRow, field: Field, side: "local" | "remote"): void;
}

export const GridCell = memo(function GridCell(p: Props) {
  const { record, field } = p;
  const value = record.values[field.id];
  const edited = Object.prototype.hasOwnProperty.call(record.edits ?? {}, field.id);
  const hasSuggestion = Object.prototype.hasOwnProperty.call(record.suggestions ?? {}, field.id);
  const conflict = record.conflicts?.[field.id];
  const cls = ["cell", p.active && "active", edited && "edited", hasSuggestion && "suggested", conflict && "conflict"]
    .filter(Boolean)
    .join(" ");
  return (
    <div
      role="gridcell"
      aria-selected={p.active}
      className={cls}
      style={{ width: p.width }}
      data-row={p.row}
      data-field={field.id}
      onClick={() => p.onActivate(p.row, p.col)}
      onDoubleClick={() => p.onStartEdit(p.row, p.col)}
      title={edited ? `Edited (was: ${formatValue(record.downloaded?.[field.id])})` : undefined}
    >
      {p.editing ? (
        <CellEditor initial={formatValue(value)} seed={p.seed} onCommit={(t) => p.onCommit(record, field, t)} onCancel={p.onCancel} />
      ) : conflict ? (
        <span className="conflict-values">
          <span className="mine" title="your edit">
            {formatValue(conflict.local)}
          </span>
          <span className="theirs" title="the source's value">
            {formatValue(conflict.remote)}
          </span>
          <button className="mini" aria-label="Keep mine" onClick={() => p.onResolve(record, field, "local")}>
            mine
          </button>
          <button className="mini" aria-label="Take theirs" onClick={() => p.onResolve(record, field, "remote")}>
            theirs
          </button>
        </span>
      ) : (
        <>
          <span className="value">{formatValue(value)}</span>
          {hasSuggestion && (
            <span className="suggestion" data-testid="suggestion">
              <span className="suggested-value">→ {formatValue(record.suggestions[field.id])}</span>
              <button className="mini accept" aria-label="Accept suggestion" onClick={(e) => { e.stopPropagation(); p.onSuggestion(record, field, "accept"); }}>
                ✓
              </button>
              <button className="mini reject" aria-label="Reject suggestion" onClick={(e) => { e.stopPropagation(); p.onSuggestion(record, field, "reject"); }}>
                ✗
              </button>
            </span>
          )}
        </>
      )}
    </div>
  );
});
