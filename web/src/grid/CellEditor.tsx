// The inline editor of a cell: Enter saves, Escape cancels, leaving the cell saves.
import { useEffect, useRef } from "react";

export function CellEditor({ initial, onCommit, onCancel }: { initial: string; onCommit(t: string): void; onCancel(): void }) {
  const ref = useRef<HTMLInputElement>(null);
  const done = useRef(false);
  useEffect(() => {
    ref.current?.focus();
    ref.current?.select();
  }, []);
  const finish = (save: boolean) => {
    if (done.current) return;
    done.current = true;
    if (save && ref.current && ref.current.value !== initial) onCommit(ref.current.value);
    else onCancel();
  };
  return (
    <input
      ref={ref}
      className="cell-editor"
      aria-label="Edit cell"
      defaultValue={initial}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === "Enter") finish(true);
        else if (e.key === "Escape") finish(false);
      }}
      onBlur={() => finish(true)}
    />
  );
}
