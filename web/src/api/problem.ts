// RFC 9457 problem+json errors from the API, as a thrown Error.

export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  status: number;
  code: string;
  title?: string;
  detail?: string;
  errors?: FieldError[];
  connector_error?: { code?: string; message?: string; line?: number; traceback?: string };
  request_id?: string;
  [key: string]: unknown;
}

export class ApiError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail || problem.title || problem.code || `HTTP ${problem.status}`);
    this.problem = problem;
  }
  get status(): number {
    return this.problem.status;
  }
  get code(): string {
    return this.problem.code;
  }
}

export function describeError(e: unknown): string {
  if (e instanceof ApiError) {
    const p = e.problem;
    const parts = [p.detail || p.title || p.code];
    if (p.connector_error?.message) parts.push(`${p.connector_error.code ?? ""}: ${p.connector_error.message}`);
    for (const fe of p.errors ?? []) parts.push(`${fe.field}: ${fe.message}`);
    return parts.filter(Boolean).join(" — ");
  }
  return e instanceof Error ? e.message : String(e);
}
