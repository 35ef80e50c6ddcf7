-- Agent runs execute on a thread of one instance; if that instance dies, its runs would stay 'running'.
-- Each run touches heartbeat_at as it progresses; a run whose heartbeat is long stale is marked failed
-- ("interrupted") by whichever instance next starts a run.
ALTER TABLE agent_runs ADD COLUMN heartbeat_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX agent_runs_running_idx ON agent_runs (heartbeat_at) WHERE state = 'running';
-- The event log's position just before the run began: its stream replays from there (no scan for the start).
ALTER TABLE agent_runs ADD COLUMN events_after bigint NOT NULL DEFAULT 0;
