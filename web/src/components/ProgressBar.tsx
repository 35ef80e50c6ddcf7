// A labelled progress bar; indeterminate while the total is unknown.
interface Props {
  label: string;
  done: number;
  total: number | null;
  unit?: string;
}

export function ProgressBar({ label, done, total, unit = "" }: Props) {
  const text = `${done.toLocaleString()}${total ? ` / ${total.toLocaleString()}` : ""}${unit ? ` ${unit}` : ""}`;
  return (
    <div className="progress" data-testid="progress">
      <small>
        {label}: <span className="progress-text">{text}</span>
      </small>
      <progress value={total ? done : undefined} max={total ?? undefined} aria-label={label} />
    </div>
  );
}
