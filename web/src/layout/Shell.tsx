// The frame around every signed-in screen: navigation and the page.
import { NavLink, Outlet } from "react-router-dom";
import { useAuth } from "../auth/AuthContext";

const links = [
  ["/snapshots", "Snapshots"],
  ["/accounts", "Connector accounts"],
  ["/custom-connectors", "Custom connectors"],
  ["/jobs", "Jobs"],
  ["/tokens", "API tokens"],
  ["/agent", "Agent"],
] as const;

export function Shell() {
  const { session, logout } = useAuth();
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Main">
        <strong className="brand">Scratch</strong>
        <ul>
          {links.map(([to, label]) => (
            <li key={to}>
              <NavLink to={to}>{label}</NavLink>
            </li>
          ))}
        </ul>
        <div className="who">
          <small>{session?.email}</small>
          <button className="secondary outline small" onClick={() => void logout()}>
            Log out
          </button>
        </div>
      </nav>
      <main className="page">
        <Outlet />
      </main>
    </div>
  );
}
