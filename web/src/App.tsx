import { lazy, Suspense } from "react";
import { Navigate, Route, Routes } from "react-router-dom";
import { useAuth } from "./auth/AuthContext";
import { LoginPage } from "./auth/LoginPage";
import { Shell } from "./layout/Shell";
import { AccountsPage } from "./accounts/AccountsPage";
import { SnapshotsPage } from "./snapshots/SnapshotsPage";
import { SnapshotPage } from "./snapshots/SnapshotPage";
import { JobsPage } from "./jobs/JobsPage";
import { TokensPage } from "./tokens/TokensPage";
import { AgentSettingsPage } from "./agent/AgentSettingsPage";

// The Lua editor (CodeMirror) loads only when its page opens.
const CustomConnectorsPage = lazy(() => import("./custom/CustomConnectorsPage").then((m) => ({ default: m.CustomConnectorsPage })));
const customPage = (
  <Suspense fallback={<p aria-busy="true">Loading editor…</p>}>
    <CustomConnectorsPage />
  </Suspense>
);

export function App() {
  const { session } = useAuth();
  if (!session) return <LoginPage />;
  return (
    <Routes>
      <Route element={<Shell />}>
        <Route path="/" element={<Navigate to="/snapshots" replace />} />
        <Route path="/snapshots" element={<SnapshotsPage />} />
        <Route path="/snapshots/:id" element={<SnapshotPage />} />
        <Route path="/snapshots/:id/tables/:tableId" element={<SnapshotPage />} />
        <Route path="/accounts" element={<AccountsPage />} />
        <Route path="/custom-connectors" element={customPage} />
        <Route path="/custom-connectors/:id" element={customPage} />
        <Route path="/jobs" element={<JobsPage />} />
        <Route path="/tokens" element={<TokensPage />} />
        <Route path="/agent" element={<AgentSettingsPage />} />
        <Route path="*" element={<p>Not found.</p>} />
      </Route>
    </Routes>
  );
}
