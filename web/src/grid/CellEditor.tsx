// The inline editor of a cell: Enter saves, Escape cancels, leaving the cell saves.
import { useEffect, useRef } from "react";

interface Props {
  initial: string;
  seed?: string; // replaces the value when editing started by typing
  onCommit(t: string): void;
  onCancel(): void;
}

export function CellEditor({ initial, seed, onCommit, onCancel }: Props) {
  const ref = useRef<HTMLInputElement>(null);
  const done = useRef(false);
  useEffect(() => {
    ref.current?.focus();
    if (seed === undefined) ref.current?.select();
  }, []); // eslint-disable-line react-hooks/exhaustive-deps
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
      defaultValue={seed ?? initial}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === "Enter") finish(true);
        else if (e.key === "Escape") finish(false);
      }}
      onBlur={() => finish(true)}
    />
  );
}
