// The first cell of a row: its number and state, its publish error, and per-record actions.
// Compact (phone-sized screens): the number and a state mark only.
import { memo } from "react";
import { RecordRow } from "../api/types";

interface Props {
  record: RecordRow;
  row: number;
  compact?: boolean;
  onRecordSuggestions(record: RecordRow, verb: "accept" | "reject"): void;
  onRevert(record: RecordRow): void;
  onDelete(record: RecordRow): void;
}

export const RowHeader = memo(function RowHeader({ record, row, compact, onRecordSuggestions, onRevert, onDelete }: Props) {
  const suggestions = Object.keys(record.suggestions ?? {}).length > 0 || record.suggested_delete || record.suggested_create;
  const changed = record.state !== "synced" && record.state !== "suggested";
  return (
    <div className="cell row-header" role="rowheader">
      <span className="row-number">{row + 1}</span>
      <span className={`state state-${record.state}`} title={record.state}>
        {record.state === "synced" ? "" : compact ? "●" : record.state}
      </span>
      {record.publish_error && (
        <span className="publish-error" role="note" title={`${record.publish_error.code}: ${record.publish_error.message}`}>
          ⚠{compact ? "" : ` ${record.publish_error.message}`}
        </span>
      )}
      {!compact && record.suggested_delete && <span className="badge">delete suggested</span>}
      {!compact && (
        <span className="row-actions">
          {suggestions && (
            <>
              <button className="mini accept" aria-label="Accept record suggestions" onClick={() => onRecordSuggestions(record, "accept")}>
                ✓ all
              </button>
              <button className="mini reject" aria-label="Reject record suggestions" onClick={() => onRecordSuggestions(record, "reject")}>
                ✗ all
              </button>
            </>
          )}
          {changed && (
            <button className="mini" aria-label="Revert record" title="Revert to the downloaded values" onClick={() => onRevert(record)}>
              ↺
            </button>
          )}
          {record.state !== "deleted" && (
            <button className="mini secondary" aria-label="Delete record" title="Delete (until published)" onClick={() => onDelete(record)}>
              ✕
            </button>
          )}
        </span>
      )}
    </div>
  );
});
