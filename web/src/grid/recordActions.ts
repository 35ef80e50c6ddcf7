// The record and suggestion calls the grid makes; each returns the records to patch in.
import { api } from "../api/client";
import { Json, RecordRow } from "../api/types";

export class RecordActions {
  constructor(
    private readonly snapshotId: string,
    private readonly tableId: string,
  ) {}

  private get base() {
    return `/api/v1/snapshots/${this.snapshotId}/tables/${this.tableId}/records`;
  }

  get(id: string) {
    return api<RecordRow>(`${this.base}/${id}`);
  }

  edit(id: string, values: Record<string, Json>) {
    return api<RecordRow>(`${this.base}/${id}`, { method: "PATCH", body: { values } });
  }

  revert(id: string, fields?: string[]) {
    return api<RecordRow>(`${this.base}/${id}/revert`, { body: fields ? { fields } : {} });
  }

  remove(id: string) {
    return api<RecordRow | { id: string; removed: true }>(`${this.base}/${id}`, { method: "DELETE" });
  }

  resolve(id: string, body: unknown) {
    return api<RecordRow>(`${this.base}/${id}/resolve`, { body });
  }

  /** Accept or reject suggestions: of some fields of a record, a whole record, or the whole table. */
  async suggestions(verb: "accept" | "reject", target: { recordId?: string; fields?: string[] }) {
    const body = target.recordId
      ? { items: [{ table_id: this.tableId, record_id: target.recordId, ...(target.fields ? { fields: target.fields } : {}) }] }
      : { table_id: this.tableId, filter: { field: "$has_suggestions", op: "eq", value: true } };
    return api<{ accepted?: number; rejected?: number }>(`/api/v1/snapshots/${this.snapshotId}/suggestions/${verb}`, { body });
  }
}
