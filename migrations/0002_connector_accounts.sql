-- Connector accounts (a user's configured source) and chunked file uploads (e.g. CSV files).

CREATE TABLE connector_accounts (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  connector     text NOT NULL,
  display_name  text NOT NULL,
  config        jsonb NOT NULL DEFAULT '{}',
  -- AES-256-GCM under the master key (which is never in the database), bound to this row's id.
  credentials   text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX connector_accounts_user_id_idx ON connector_accounts (user_id);

-- An upload collects a file in chunks on disk (<data>/uploads/<id>) until an account takes it.
CREATE TABLE uploads (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  filename   text NOT NULL,
  size_bytes bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  consumed_at timestamptz
);
CREATE INDEX uploads_user_id_idx ON uploads (user_id);
