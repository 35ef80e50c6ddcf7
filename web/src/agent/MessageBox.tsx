// The chat's message box: Enter sends (Shift+Enter: a new line), "@word" opens a debounced mention search
// (GET /snapshots/{id}/mentions?q=) and a pick inserts `@[label](type:id)`.
import { FormEvent, KeyboardEvent, useEffect, useRef, useState } from "react";
import { api } from "../api/client";
import { Mention } from "./agentApi";

const MENTION_AT = /(^|\s)@([^\s@[\]()]{1,60})$/;
const typeLabel: Record<Mention["type"], string> = { table: "table", record: "record", file: "file", style_guide: "style guide" };

interface Props {
  snapshotId: string;
  busy: boolean;
  cancelling: boolean;
  onSend(text: string): Promise<boolean>;
  onCancel?: () => void;
}

export function MessageBox({ snapshotId, busy, cancelling, onSend, onCancel }: Props) {
  const [text, setText] = useState("");
  const [sending, setSending] = useState(false);
  const [query, setQuery] = useState<{ q: string; start: number; end: number } | null>(null);
  const [options, setOptions] = useState<Mention[]>([]);
  const [active, setActive] = useState(0);
  const area = useRef<HTMLTextAreaElement>(null);

  // Debounced search; a newer query aborts the older one.
  useEffect(() => {
    if (!query) {
      setOptions([]);
      return;
    }
    const ctl = new AbortController();
    const timer = setTimeout(() => {
      api<{ items: Mention[] }>(`/api/v1/snapshots/${snapshotId}/mentions`, { query: { q: query.q, limit: 8 }, signal: ctl.signal })
        .then((r) => {
          setOptions(r.items);
          setActive(0);
        })
        .catch(() => {
          /* aborted or failed: no list */
        });
    }, 200);
    return () => {
      clearTimeout(timer);
      ctl.abort();
    };
  }, [query?.q, snapshotId]); // eslint-disable-line react-hooks/exhaustive-deps

  const track = (value: string, caret: number) => {
    const m = MENTION_AT.exec(value.slice(0, caret));
    setQuery(m ? { q: m[2], start: caret - m[2].length - 1, end: caret } : null);
  };

  const pick = (m: Mention) => {
    if (!query) return;
    const token = `@[${m.label.replace(/[[\]]/g, "")}](${m.type}:${m.id}) `;
    const next = text.slice(0, query.start) + token + text.slice(query.end);
    const caret = query.start + token.length;
    setText(next);
    setQuery(null);
    requestAnimationFrame(() => {
      area.current?.focus();
      area.current?.setSelectionRange(caret, caret);
    });
  };

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    const message = text.trim();
    if (!message || busy || sending) return;
    setSending(true);
    const ok = await onSend(message);
    setSending(false);
    if (ok) {
      setText("");
      setQuery(null);
    }
  };

  const open = query !== null && options.length > 0;
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (open) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        setActive((a) => (a + (e.key === "ArrowDown" ? 1 : options.length - 1)) % options.length);
        return;
      }
      if (e.key === "Enter" || e.key === "Tab") {
        e.preventDefault();
        pick(options[active]);
        return;
      }
      if (e.key === "Escape") {
        e.preventDefault();
        setQuery(null);
        return;
      }
    }
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void submit();
    }
  };

  return (
    <form className="message-box" onSubmit={submit} aria-label="Send a message to the agent">
      {open && (
        <ul className="mention-list" role="listbox" aria-label="Mentions">
          {options.map((m, i) => (
            <li
              key={`${m.type}:${m.id}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? "active" : undefined}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(m);
              }}
              onMouseEnter={() => setActive(i)}
            >
              <span className="mention-label">{m.label}</span> <small className="muted">{typeLabel[m.type] ?? m.type}{m.detail ? ` · ${m.detail}` : ""}</small>
            </li>
          ))}
        </ul>
      )}
      <textarea
        ref={area}
        aria-label="Message"
        placeholder="Ask the agent… (@ to mention)"
        rows={2}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          track(e.target.value, e.target.selectionStart ?? e.target.value.length);
        }}
        onKeyDown={onKeyDown}
        onKeyUp={(e) => {
          if (e.key === "ArrowLeft" || e.key === "ArrowRight" || e.key === "Home" || e.key === "End")
            track(e.currentTarget.value, e.currentTarget.selectionStart ?? 0);
        }}
        onBlur={() => setTimeout(() => setQuery(null), 150)}
      />
      <div className="message-actions">
        {busy && onCancel ? (
          <button type="button" className="secondary" onClick={onCancel} disabled={cancelling}>
            {cancelling ? "Cancelling…" : "Cancel"}
          </button>
        ) : null}
        <button type="submit" disabled={busy || sending || !text.trim()} aria-busy={sending}>
          Send
        </button>
      </div>
    </form>
  );
}
