// The REST client: JSON in and out, Bearer auth, one coordinated token refresh on expiry.
import { ApiError, Problem } from "./problem";
import { loadSession, saveSession, Session } from "./session";

// Same origin in production; `VITE_API_BASE` only for development against another port.
export const API_BASE: string = (import.meta.env.VITE_API_BASE as string | undefined) ?? "";

async function toProblem(res: Response): Promise<Problem> {
  try {
    const body = await res.json();
    return { status: res.status, code: body.code ?? `http_${res.status}`, ...body };
  } catch {
    return { status: res.status, code: `http_${res.status}`, title: res.statusText };
  }
}

let refreshing: Promise<Session | null> | null = null;

async function doRefresh(used: Session): Promise<Session | null> {
  // Another tab may have refreshed already: its new pair is in storage.
  const current = loadSession();
  if (!current) return null;
  if (current.refresh_token !== used.refresh_token) return current;
  const res = await fetch(`${API_BASE}/api/v1/auth/refresh`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ refresh_token: used.refresh_token }),
  });
  if (!res.ok) {
    saveSession(null);
    return null;
  }
  const body = await res.json();
  const next = { access_token: body.access_token, refresh_token: body.refresh_token, email: current.email };
  saveSession(next);
  return next;
}

/** Refresh the session once, even when many requests (or tabs) ask at the same time. */
export function refreshSession(used: Session): Promise<Session | null> {
  if (!refreshing) {
    const locks = (navigator as Navigator & { locks?: LockManager }).locks;
    const run = () => doRefresh(used);
    const p: Promise<Session | null> = locks ? (locks.request("scratch.refresh", run) as unknown as Promise<Session | null>) : run();
    refreshing = p.finally(() => {
      refreshing = null;
    });
  }
  return refreshing as Promise<Session | null>;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  signal?: AbortSignal;
  auth?: boolean;
}

export function withQuery(path: string, query?: RequestOptions["query"]): string {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** fetch() with the session's Bearer token; retries once after a refresh when the token expired. */
export async function authedFetch(path: string, init: RequestInit = {}): Promise<Response> {
  let session = loadSession();
  for (let attempt = 0; ; attempt++) {
    const headers = new Headers(init.headers);
    if (session) headers.set("authorization", `Bearer ${session.access_token}`);
    const res = await fetch(`${API_BASE}${path}`, { ...init, headers });
    if (res.status !== 401 || !session || attempt > 0) return res;
    session = await refreshSession(session);
    if (!session) return res;
  }
}

export async function api<T = unknown>(path: string, opts: RequestOptions = {}): Promise<T> {
  const init: RequestInit = { method: opts.method ?? (opts.body !== undefined ? "POST" : "GET"), signal: opts.signal };
  if (opts.body !== undefined) {
    init.body = JSON.stringify(opts.body);
    init.headers = { "content-type": "application/json" };
  }
  const url = withQuery(path, opts.query);
  const res = opts.auth === false ? await fetch(`${API_BASE}${url}`, init) : await authedFetch(url, init);
  if (!res.ok) throw new ApiError(await toProblem(res));
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}
