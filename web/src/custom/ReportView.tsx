// The validation and test reports of a script: problems with their lines, steps with samples and logs.
import { TestReport, Validation } from "../api/types";

export function ValidationView({ v }: { v: Validation }) {
  return (
    <div className={v.valid ? "ok-box" : "error-box"} role="status" aria-label="Validation">
      <strong>{v.valid ? "Valid" : "Invalid"}</strong>
      {v.spec?.display_name && <span> — {v.spec.display_name}</span>}
      <ul>
        {v.errors.map((e, i) => (
          <li key={i}>
            {e.line ? `line ${e.line}: ` : ""}
            {e.kind}
            {e.function ? ` in ${e.function}` : ""}: {e.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function TestReportView({ report }: { report: TestReport }) {
  return (
    <div aria-label="Test report" className="test-report">
      <p className={report.ok ? "ok-box" : "error-box"} role="status">
        <strong>{report.ok ? "Test passed" : "Test failed"}</strong>
      </p>
      <table className="compact">
        <tbody>
          {report.steps.map((s) => (
            <tr key={s.name} className={`step step-${s.status}`}>
              <td>{s.name}</td>
              <td>{s.status}</td>
              <td>{s.duration_ms != null ? `${Math.round(s.duration_ms)} ms` : ""}</td>
              <td>
                {s.error && (
                  <div className="step-error">
                    {s.error.code}: {s.error.message}
                    {s.error.line ? ` (line ${s.error.line})` : ""}
                    {s.error.traceback && <pre>{s.error.traceback}</pre>}
                  </div>
                )}
                {s.logs?.length ? (
                  <details>
                    <summary>{s.logs.length} log lines</summary>
                    <pre>{s.logs.map((l) => `${l.level ?? ""} ${l.message ?? JSON.stringify(l)}`).join("\n")}</pre>
                  </details>
                ) : null}
                {s.sample !== undefined && s.sample !== null && (
                  <details>
                    <summary>sample</summary>
                    <pre>{JSON.stringify(s.sample, null, 2)}</pre>
                  </details>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
