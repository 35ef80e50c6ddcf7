-- Durable background jobs. Workers claim with FOR UPDATE SKIP LOCKED and hold a lease renewed by heartbeat;
-- a job whose lease runs out (its worker died) is requeued by the reaper.

CREATE TABLE jobs (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  type             text NOT NULL,
  user_id          uuid REFERENCES users (id) ON DELETE CASCADE,  -- NULL: a system job
  state            text NOT NULL DEFAULT 'queued'
                   CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  priority         integer NOT NULL DEFAULT 0,
  payload          jsonb NOT NULL DEFAULT '{}',
  attempts         integer NOT NULL DEFAULT 0,
  max_attempts     integer NOT NULL DEFAULT 5,
  run_after        timestamptz NOT NULL DEFAULT now(),
  lease_owner      text,
  lease_expires_at timestamptz,
  cancel_requested boolean NOT NULL DEFAULT false,
  progress_done    bigint,
  progress_total   bigint,
  progress_message text,
  result           jsonb,
  error            jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  started_at       timestamptz,
  finished_at      timestamptz,
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_claimable_idx ON jobs (priority DESC, run_after, created_at) WHERE state = 'queued';
CREATE INDEX jobs_running_lease_idx ON jobs (lease_expires_at) WHERE state = 'running';
CREATE INDEX jobs_user_state_idx ON jobs (user_id, state);
CREATE INDEX jobs_finished_idx ON jobs (finished_at) WHERE finished_at IS NOT NULL;

-- Scheduled tasks: the row for a task is claimed with one upsert per tick, so across many cron instances
-- each tick runs once.
CREATE TABLE cron_runs (
  task        text PRIMARY KEY,
  last_run_at timestamptz NOT NULL
);
