// Sign in or create an account.
import { FormEvent, useState } from "react";
import { useAuth } from "./AuthContext";
import { ErrorBox } from "../components/ErrorBox";

export function LoginPage() {
  const { login, signup } = useAuth();
  const [mode, setMode] = useState<"login" | "signup">("login");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await (mode === "login" ? login(email, password) : signup(email, password));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="container login">
      <article>
        <header>
          <h1>Scratch</h1>
          <p>{mode === "login" ? "Log in to your workspace" : "Create an account"}</p>
        </header>
        <form onSubmit={submit} aria-label={mode === "login" ? "Log in" : "Sign up"}>
          <label>
            Email
            <input type="email" name="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          </label>
          <label>
            Password
            <input
              type="password"
              name="password"
              autoComplete={mode === "login" ? "current-password" : "new-password"}
              minLength={mode === "signup" ? 10 : undefined}
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            {mode === "signup" && <small>At least 10 characters.</small>}
          </label>
          <ErrorBox error={error} />
          <button type="submit" aria-busy={busy} disabled={busy}>
            {mode === "login" ? "Log in" : "Sign up"}
          </button>
        </form>
        <footer>
          {mode === "login" ? (
            <button className="secondary outline" onClick={() => setMode("signup")}>
              No account yet? Sign up
            </button>
          ) : (
            <button className="secondary outline" onClick={() => setMode("login")}>
              Have an account? Log in
            </button>
          )}
        </footer>
      </article>
    </main>
  );
}
