// What the active record needs the user to know or decide: its publish error, a deletion at the source
// while it had edits, a create that may or may not have reached the source.
import { RecordRow } from "../api/types";

interface Props {
  record: RecordRow | undefined;
  row: number;
  onResolve(record: RecordRow, body: unknown): void;
}

export function RecordDetailBar({ record, row, onResolve }: Props) {
  if (!record || (!record.publish_error && !record.remote_deleted && !record.ambiguous_create)) return null;
  return (
    <div className="record-detail" role="status" aria-label="Active record">
      <strong>Row {row + 1}</strong>
      {record.publish_error && (
        <span className="publish-error-full">
          Publish failed: {record.publish_error.code} — {record.publish_error.message}
        </span>
      )}
      {record.remote_deleted && (
        <span>
          Deleted at the source while edited here.{" "}
          <button className="mini" onClick={() => onResolve(record, { remote_deleted: "recreate" })}>
            Recreate
          </button>
          <button className="mini" onClick={() => onResolve(record, { remote_deleted: "discard" })}>
            Discard
          </button>
        </span>
      )}
      {record.ambiguous_create && (
        <span>
          Its create was interrupted; the source may have it.{" "}
          <button className="mini" onClick={() => onResolve(record, { ambiguous_create: "retry" })}>
            Create again
          </button>
          <button className="mini" onClick={() => onResolve(record, { ambiguous_create: "discard" })}>
            Discard
          </button>
        </span>
      )}
    </div>
  );
}
