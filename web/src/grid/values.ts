// Showing field values as text, and reading typed text back as a value of the field's type.
import { Field, Json } from "../api/types";

export function formatValue(v: Json | undefined): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

export function parseValue(field: Field, text: string): Json {
  const t = text.trim();
  switch (field.type) {
    case "number": {
      if (t === "") return null;
      const n = Number(t);
      if (Number.isNaN(n)) throw new Error(`${field.name}: "${text}" is not a number`);
      return n;
    }
    case "boolean":
      if (t === "") return null;
      if (/^(true|yes|1)$/i.test(t)) return true;
      if (/^(false|no|0)$/i.test(t)) return false;
      throw new Error(`${field.name}: type true or false`);
    case "json":
    case "multi_select":
    case "attachment":
    case "link":
      if (t === "") return null;
      try {
        return JSON.parse(t) as Json;
      } catch {
        if (field.type === "multi_select") return t.split(",").map((x) => x.trim()).filter(Boolean);
        throw new Error(`${field.name}: not valid JSON`);
      }
    default:
      return text;
  }
}
