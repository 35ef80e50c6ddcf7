import { describeError } from "../api/problem";

export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="error-box" role="alert">
      {describeError(error)}
    </p>
  );
}
