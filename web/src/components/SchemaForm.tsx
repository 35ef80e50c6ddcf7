// A form for a connector spec's settings schema (flat JSON Schema objects: strings, numbers,
// booleans, enums and string arrays). Secret fields (all credentials) render as password inputs.
import { Json, JsonSchema } from "../api/types";

interface Props {
  schema: JsonSchema | undefined;
  value: Record<string, Json>;
  onChange(v: Record<string, Json>): void;
  secret?: boolean;
  idPrefix: string;
}

function typeOf(s: JsonSchema): string {
  const t = Array.isArray(s.type) ? s.type.find((x) => x !== "null") : s.type;
  return t ?? "string";
}

export function SchemaForm({ schema, value, onChange, secret, idPrefix }: Props) {
  const props = Object.entries(schema?.properties ?? {});
  if (props.length === 0) return <p className="muted">No settings.</p>;
  const required = new Set(schema?.required ?? []);
  const set = (k: string, v: Json | undefined) => {
    const next = { ...value };
    if (v === undefined || v === "") delete next[k];
    else next[k] = v;
    onChange(next);
  };
  return (
    <>
      {props.map(([key, s]) => {
        const id = `${idPrefix}-${key}`;
        const label = (
          <>
            {s.title ?? key}
            {required.has(key) && " *"}
          </>
        );
        const t = typeOf(s);
        const v = value[key];
        const help = s.description ? <small>{s.description}</small> : null;
        if (t === "boolean")
          return (
            <label key={key} htmlFor={id}>
              <input id={id} name={key} type="checkbox" checked={v === true} onChange={(e) => set(key, e.target.checked)} />
              {label}
              {help}
            </label>
          );
        if (s.enum)
          return (
            <label key={key} htmlFor={id}>
              {label}
              <select id={id} name={key} value={v == null ? "" : String(v)} onChange={(e) => set(key, e.target.value || undefined)}>
                <option value="">{s.default != null ? `default (${String(s.default)})` : "—"}</option>
                {s.enum.map((o) => (
                  <option key={String(o)} value={String(o)}>
                    {String(o)}
                  </option>
                ))}
              </select>
              {help}
            </label>
          );
        if (t === "array")
          return (
            <label key={key} htmlFor={id}>
              {label}
              <input
                id={id}
                name={key}
                placeholder={Array.isArray(s.default) ? s.default.join(", ") : "comma-separated"}
                defaultValue={Array.isArray(v) ? v.join(", ") : ""}
                onChange={(e) => {
                  const parts = e.target.value.split(",").map((x) => x.trim()).filter(Boolean);
                  set(key, parts.length ? parts : undefined);
                }}
              />
              {help ?? <small>Comma-separated</small>}
            </label>
          );
        const numeric = t === "number" || t === "integer";
        return (
          <label key={key} htmlFor={id}>
            {label}
            <input
              id={id}
              name={key}
              type={secret || s.writeOnly || s.format === "password" ? "password" : numeric ? "number" : "text"}
              autoComplete="off"
              required={required.has(key)}
              placeholder={s.default != null ? String(s.default) : undefined}
              value={v == null ? "" : String(v)}
              onChange={(e) => set(key, e.target.value === "" ? undefined : numeric ? Number(e.target.value) : e.target.value)}
            />
            {help}
          </label>
        );
      })}
    </>
  );
}
