// A labelled progress bar; indeterminate while the total is unknown.
export function ProgressBar({ label, done, total }: { label: string; done: number; total: number | null }) {
  const text = total ? `${done} / ${total}` : `${done}`;
  return (
    <div className="progress" data-testid="progress">
      <small>
        {label}: <span className="progress-text">{text}</span>
      </small>
      <progress value={total ? done : undefined} max={total ?? undefined} aria-label={label} />
    </div>
  );
}
