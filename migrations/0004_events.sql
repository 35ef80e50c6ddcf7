-- The event log: every change a client may want to hear about, in commit order per sequence number.
-- NOTIFY scratch_events carries only the sequence number; listeners read the rows (NOTIFY payloads are
-- small and unauthenticated), and a client resumes from its Last-Event-ID.
CREATE TABLE events (
  seq        bigserial PRIMARY KEY,
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  topic      text NOT NULL,  -- e.g. 'job'
  entity_id  uuid,
  kind       text NOT NULL,  -- e.g. 'job.progress'
  data       jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_user_seq_idx ON events (user_id, seq);
CREATE INDEX events_created_at_idx ON events (created_at);
