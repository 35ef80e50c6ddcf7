-- The AI agent's side: reference files and style guides users give their agents, each table's active view
-- filter, agent settings (model endpoint, sealed key), chat sessions with their history, runs (chat and
-- connector-builder) with their progress events, and token usage per user, model and day.

CREATE TABLE reference_files (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name         text NOT NULL,
  content_type text NOT NULL,  -- text/markdown or text/plain
  content      text NOT NULL,
  bytes        integer NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reference_files_user_idx ON reference_files (user_id, created_at);

CREATE TABLE style_guides (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name         text NOT NULL,
  body         text NOT NULL,
  auto_include boolean NOT NULL DEFAULT false,  -- added to every agent run's instructions
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, name)
);

-- The filter a table's view shows (our structured filter JSON, never SQL); set by the owner or an agent.
ALTER TABLE snapshot_tables ADD COLUMN view_filter jsonb;
-- Scratch columns: local-only fields ([{id, name, type}]) kept beside the source's, never published.
ALTER TABLE snapshot_tables ADD COLUMN scratch_fields jsonb NOT NULL DEFAULT '[]';

CREATE TABLE agent_settings (
  user_id             uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  base_url            text,    -- an OpenAI-compatible endpoint; null: the deployment's
  api_key_sealed      text,    -- encrypted with the master key; null: the deployment's
  default_model       text,
  token_warning_limit bigint,  -- tokens per calendar month before runs carry a warning
  updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agent_sessions (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id            uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  snapshot_id        uuid REFERENCES snapshots (id) ON DELETE CASCADE,  -- null: a builder session
  title              text NOT NULL,
  summary            text,  -- what the turns before summarized_through said, in short
  summarized_through integer NOT NULL DEFAULT 0,  -- messages with n < this are in the summary
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agent_sessions_user_idx ON agent_sessions (user_id, snapshot_id, updated_at);

-- The conversation as the model saw it: OpenAI chat messages (user, assistant with tool_calls, tool).
CREATE TABLE agent_messages (
  session_id uuid NOT NULL REFERENCES agent_sessions (id) ON DELETE CASCADE,
  n          integer NOT NULL,
  run_id     uuid,
  message    jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (session_id, n)
);

CREATE TABLE agent_runs (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  session_id       uuid REFERENCES agent_sessions (id) ON DELETE CASCADE,
  snapshot_id      uuid REFERENCES snapshots (id) ON DELETE CASCADE,
  kind             text NOT NULL CHECK (kind IN ('chat', 'builder')),
  model            text NOT NULL,
  state            text NOT NULL DEFAULT 'running'
                   CHECK (state IN ('running', 'succeeded', 'failed', 'cancelled')),
  capabilities     jsonb NOT NULL DEFAULT '[]',
  request          jsonb NOT NULL,  -- what was asked (message, or the builder's description and samples)
  steps            integer NOT NULL DEFAULT 0,
  answer           text,
  result           jsonb,  -- the builder's script, report and transcript
  error            jsonb,  -- {code, message}
  usage            jsonb NOT NULL DEFAULT '{"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}',
  cancel_requested boolean NOT NULL DEFAULT false,
  created_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz
);
CREATE INDEX agent_runs_user_idx ON agent_runs (user_id, created_at);

CREATE TABLE agent_usage (
  user_id           uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  model             text NOT NULL,
  day               date NOT NULL,
  prompt_tokens     bigint NOT NULL DEFAULT 0,
  completion_tokens bigint NOT NULL DEFAULT 0,
  requests          integer NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, model, day)
);
