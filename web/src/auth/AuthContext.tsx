// Who is signed in; sign up, log in and log out.
import { createContext, ReactNode, useContext, useEffect, useState } from "react";
import { api } from "../api/client";
import { loadSession, onSessionChange, saveSession, Session } from "../api/session";

interface AuthValue {
  session: Session | null;
  login(email: string, password: string): Promise<void>;
  signup(email: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const AuthContext = createContext<AuthValue | null>(null);

interface TokenPair {
  access_token: string;
  refresh_token: string;
  user: { email: string };
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(loadSession);
  useEffect(() => onSessionChange(setSession), []);

  const enter = (pair: TokenPair) =>
    saveSession({ access_token: pair.access_token, refresh_token: pair.refresh_token, email: pair.user.email });

  const value: AuthValue = {
    session,
    async login(email, password) {
      enter(await api<TokenPair>("/api/v1/auth/login", { body: { email, password }, auth: false }));
    },
    async signup(email, password) {
      enter(await api<TokenPair>("/api/v1/auth/signup", { body: { email, password }, auth: false }));
    },
    async logout() {
      const current = loadSession();
      saveSession(null);
      if (current)
        await api("/api/v1/auth/logout", { body: { refresh_token: current.refresh_token }, auth: false }).catch(() => {});
    },
  };
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const v = useContext(AuthContext);
  if (!v) throw new Error("useAuth outside AuthProvider");
  return v;
}
