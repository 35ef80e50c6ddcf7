// Search, a field filter, a quick filter by record state, and table-wide suggestion actions.
import { FormEvent, useState } from "react";
import { Field } from "../api/types";

export interface ToolbarState {
  search: string;
  quick: string;
  field: string;
  op: string;
  value: string;
}

export const emptyToolbar: ToolbarState = { search: "", quick: "", field: "", op: "contains", value: "" };

const OPS = ["contains", "eq", "ne", "starts_with", "gt", "gte", "lt", "lte", "is_empty", "is_not_empty"];

const QUICK: Record<string, unknown> = {
  edited: { field: "$state", op: "in", value: ["edited", "created", "deleted"] },
  suggestions: { field: "$has_suggestions", op: "eq", value: true },
  conflicts: { field: "$has_conflicts", op: "eq", value: true },
  errors: { field: "$has_error", op: "eq", value: true },
};

export function toFilter(s: ToolbarState, fields: Field[]): unknown | null {
  const parts: unknown[] = [];
  if (s.quick && QUICK[s.quick]) parts.push(QUICK[s.quick]);
  if (s.field) {
    const f = fields.find((x) => x.id === s.field);
    const noValue = s.op === "is_empty" || s.op === "is_not_empty";
    if (noValue) parts.push({ field: s.field, op: s.op });
    else if (s.value !== "") {
      const numeric = f?.type === "number" && s.op !== "contains" && s.op !== "starts_with";
      parts.push({ field: s.field, op: s.op, value: numeric ? Number(s.value) : s.value });
    }
  }
  if (parts.length === 0) return null;
  return parts.length === 1 ? parts[0] : { and: parts };
}

interface Props {
  fields: Field[];
  state: ToolbarState;
  onChange(s: ToolbarState): void;
  onAllSuggestions(verb: "accept" | "reject"): void;
  status: string;
}

export function GridToolbar({ fields, state, onChange, onAllSuggestions, status }: Props) {
  const [draft, setDraft] = useState(state);
  const apply = (e?: FormEvent) => {
    e?.preventDefault();
    onChange(draft);
  };
  return (
    <form className="grid-toolbar" onSubmit={apply} aria-label="Filter records">
      <input
        type="search"
        name="search"
        placeholder="Search"
        aria-label="Search records"
        value={draft.search}
        onChange={(e) => setDraft({ ...draft, search: e.target.value })}
      />
      <select aria-label="Show" value={draft.quick} onChange={(e) => { const next = { ...draft, quick: e.target.value }; setDraft(next); onChange(next); }}>
        <option value="">All records</option>
        <option value="edited">Changed</option>
        <option value="suggestions">With suggestions</option>
        <option value="conflicts">With conflicts</option>
        <option value="errors">With publish errors</option>
      </select>
      <select aria-label="Filter field" value={draft.field} onChange={(e) => setDraft({ ...draft, field: e.target.value })}>
        <option value="">Filter field…</option>
        {fields.map((f) => (
          <option key={f.id} value={f.id}>
            {f.name}
          </option>
        ))}
      </select>
      <select aria-label="Filter operator" value={draft.op} onChange={(e) => setDraft({ ...draft, op: e.target.value })}>
        {OPS.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
      <input aria-label="Filter value" placeholder="value" value={draft.value} onChange={(e) => setDraft({ ...draft, value: e.target.value })} />
      <button type="submit" className="small">
        Apply
      </button>
      <span className="toolbar-spacer" />
      <span className="grid-status" aria-live="polite">
        {status}
      </span>
      <button type="button" className="small outline" onClick={() => onAllSuggestions("accept")}>
        Accept all suggestions
      </button>
      <button type="button" className="small outline secondary" onClick={() => onAllSuggestions("reject")}>
        Reject all
      </button>
    </form>
  );
}
