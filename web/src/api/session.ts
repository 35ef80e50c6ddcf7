// Tokens of the signed-in user, kept in localStorage so every tab shares one session.
// Refresh tokens work once; tabs coordinate their refreshes (see refreshSession in client.ts).

export interface Session {
  access_token: string;
  refresh_token: string;
  email: string;
}

const KEY = "scratch.session";
type Listener = (s: Session | null) => void;
const listeners = new Set<Listener>();

export function loadSession(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(s: Session | null): void {
  if (s) localStorage.setItem(KEY, JSON.stringify(s));
  else localStorage.removeItem(KEY);
  listeners.forEach((l) => l(s));
}

export function onSessionChange(l: Listener): () => void {
  listeners.add(l);
  const storage = (e: StorageEvent) => {
    if (e.key === KEY) l(loadSession());
  };
  window.addEventListener("storage", storage);
  return () => {
    listeners.delete(l);
    window.removeEventListener("storage", storage);
  };
}
