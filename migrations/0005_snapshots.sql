-- Snapshots: tables copied from connector accounts, their records with local edits and suggestions, agent
-- tokens, and persisted publish plans. Record storage is one shared table with JSONB values; see
-- docs/decisions/0007-snapshot-record-storage.md for why and what it costs.

CREATE TABLE snapshots (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX snapshots_user_id_idx ON snapshots (user_id, created_at);

CREATE TABLE snapshot_tables (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  snapshot_id      uuid NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
  account_id       uuid NOT NULL REFERENCES connector_accounts (id) ON DELETE RESTRICT,
  remote_table     text NOT NULL,  -- the connector's table id
  name             text NOT NULL,
  fields           jsonb NOT NULL,  -- [{id,name,type,read_only,options?}] as list_tables gave them
  read_only        boolean NOT NULL DEFAULT false,
  -- A download in progress: {job_id, generation, cursor, records, pages}, so a retried job resumes.
  download_state   jsonb,
  record_count     bigint NOT NULL DEFAULT 0,  -- kept current cheaply, so listing never counts
  attached         boolean NOT NULL DEFAULT false,  -- its records partition is attached (see records)
  -- Fields with an index of their own on this table's partition (built on first heavy use).
  indexed_fields   jsonb NOT NULL DEFAULT '[]',
  last_download_at timestamptz,
  last_publish_at  timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (snapshot_id, account_id, remote_table)
);
CREATE INDEX snapshot_tables_account_idx ON snapshot_tables (account_id);

-- Change-feed order across every record change (edit, suggestion, download, publish, deletion).
CREATE SEQUENCE record_seq;
-- Record ids, shared by every table's partition (so a partition loaded on its own gets ids no other has).
CREATE SEQUENCE record_id_seq;

-- What a user sees is `vals`: downloaded values with accepted edits applied. `original` keeps the downloaded
-- value of each edited field (so its keys are the edited fields, and downloaded = vals || original).
-- One partition per snapshot table (records_<table id hex>): a table's first download loads its partition
-- without indexes and attaches it at the end (building the indexes once), a table is dropped in one
-- statement, and a big table can get indexes of its own for the fields people sort and filter by.
CREATE TABLE records (
  table_id          uuid NOT NULL,
  id                bigint NOT NULL DEFAULT nextval('record_id_seq'),
  remote_id         text,  -- NULL: created locally, not yet published
  vals              jsonb NOT NULL,
  original          jsonb NOT NULL DEFAULT '{}',
  conflicts         jsonb NOT NULL DEFAULT '{}',  -- {field: {"remote": v, "base": v}}
  suggestions       jsonb NOT NULL DEFAULT '{}',  -- {field: value}
  suggest_delete    boolean NOT NULL DEFAULT false,
  suggested_create  boolean NOT NULL DEFAULT false,  -- exists only as an agent's suggestion
  suggested_at      timestamptz,
  created           boolean NOT NULL DEFAULT false,  -- created locally (accepted), not yet published
  deleted           boolean NOT NULL DEFAULT false,  -- tombstone until published
  remote_deleted    boolean NOT NULL DEFAULT false,  -- gone at the source while it had local edits
  -- A create whose outcome is unknown (the publisher died during the call): never re-sent automatically.
  ambiguous_create  boolean NOT NULL DEFAULT false,
  publish_error     jsonb,
  remote_updated_at text,
  generation        bigint NOT NULL DEFAULT 0,  -- download that last saw it (mark and sweep)
  seq               bigint NOT NULL DEFAULT nextval('record_seq'),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  dirty             boolean GENERATED ALWAYS AS (
                      (created AND NOT suggested_create) OR deleted OR original <> '{}') STORED,
  pending           boolean GENERATED ALWAYS AS (
                      suggested_create OR suggest_delete OR suggestions <> '{}') STORED,
  PRIMARY KEY (table_id, id)
) PARTITION BY LIST (table_id);
CREATE UNIQUE INDEX records_remote_id_idx ON records (table_id, remote_id);
CREATE INDEX records_seq_idx ON records (table_id, seq);
CREATE INDEX records_dirty_idx ON records (table_id, id) WHERE dirty;
CREATE INDEX records_pending_idx ON records (table_id, id) WHERE pending;

-- Hard-deleted records, for the change feed.
CREATE TABLE record_tombstones (
  table_id   uuid NOT NULL REFERENCES snapshot_tables (id) ON DELETE CASCADE,
  record_id  bigint NOT NULL,
  remote_id  text,
  seq        bigint NOT NULL DEFAULT nextval('record_seq'),
  deleted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX record_tombstones_seq_idx ON record_tombstones (table_id, seq);

-- Merges a downloaded record into a stored one. Fields without a local edit take the remote value; an edited
-- field keeps the edit, and when the remote value moved away from the edit's base as well, records a
-- conflict (both values) instead of losing either. A remote value equal to the edit settles the edit.
-- Returns {"vals","original","conflicts"}.
CREATE FUNCTION scratch_merge_remote(vals jsonb, original jsonb, conflicts jsonb, remote jsonb)
RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  out_vals jsonb := remote;
  out_original jsonb := '{}';
  out_conflicts jsonb := conflicts;
  k text;
  base jsonb;
  local jsonb;
  theirs jsonb;
BEGIN
  FOR k, base IN SELECT * FROM jsonb_each(original) LOOP
    local := COALESCE(vals -> k, 'null');
    theirs := COALESCE(remote -> k, 'null');  -- some sources omit empty fields
    IF theirs = local THEN
      out_conflicts := out_conflicts - k;  -- both sides agree: the edit is settled
    ELSE
      out_vals := jsonb_set(out_vals, ARRAY[k], local);
      out_original := jsonb_set(out_original, ARRAY[k], base);
      IF theirs = base THEN
        out_conflicts := out_conflicts - k;
      ELSE
        out_conflicts := jsonb_set(out_conflicts, ARRAY[k], jsonb_build_object('remote', theirs, 'base', base));
      END IF;
    END IF;
  END LOOP;
  RETURN jsonb_build_object('vals', out_vals, 'original', out_original, 'conflicts', out_conflicts);
END $$;

-- Applies edits {field: value} to a record. `original` keeps each edited field's downloaded value; an edit
-- back to that value is no edit at all. A local create has nothing downloaded, so only `vals` changes.
CREATE FUNCTION scratch_apply_edits(is_created boolean, vals jsonb, original jsonb, edits jsonb)
RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  out_vals jsonb := vals;
  out_original jsonb := original;
  k text;
  v jsonb;
  base jsonb;
BEGIN
  FOR k, v IN SELECT * FROM jsonb_each(edits) LOOP
    out_vals := jsonb_set(out_vals, ARRAY[k], v);
    IF NOT is_created THEN
      base := COALESCE(original -> k, vals -> k, 'null');
      IF base = v THEN
        out_original := out_original - k;
      ELSE
        out_original := jsonb_set(out_original, ARRAY[k], base);
      END IF;
    END IF;
  END LOOP;
  RETURN jsonb_build_object('vals', out_vals, 'original', out_original);
END $$;

-- Applies a successful publish: `sent` are the values written, `returned` the values the source stored.
-- A field still holding what was sent is settled (takes the source's value, no longer an edit); a field the
-- user changed again meanwhile keeps the newer edit, with the source's value as its new base.
CREATE FUNCTION scratch_apply_published(vals jsonb, original jsonb, sent jsonb, returned jsonb)
RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  out_vals jsonb := vals;
  out_original jsonb := original;
  k text;
  r jsonb;
BEGIN
  FOR k IN SELECT jsonb_object_keys(sent || returned) LOOP
    r := COALESCE(returned -> k, sent -> k);
    IF sent ? k THEN
      IF COALESCE(vals -> k, 'null') = sent -> k THEN
        out_vals := jsonb_set(out_vals, ARRAY[k], r);
        out_original := out_original - k;
      ELSE
        out_original := jsonb_set(out_original, ARRAY[k], r);
      END IF;
    ELSIF original ? k THEN
      out_original := jsonb_set(out_original, ARRAY[k], r);
    ELSE
      out_vals := jsonb_set(out_vals, ARRAY[k], r);
    END IF;
  END LOOP;
  RETURN jsonb_build_object('vals', out_vals, 'original', out_original);
END $$;

-- Tokens an owner gives an AI agent: one snapshot, read and suggest only, always expiring.
CREATE TABLE agent_tokens (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  snapshot_id  uuid NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
  name         text NOT NULL,
  token_hash   text NOT NULL UNIQUE,
  token_prefix text NOT NULL,
  capabilities jsonb NOT NULL DEFAULT '["read", "suggest"]',
  expires_at   timestamptz NOT NULL,
  revoked_at   timestamptz,
  last_used_at timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agent_tokens_snapshot_idx ON agent_tokens (snapshot_id);

-- A publish: the plan is written once, then each operation's status is committed batch by batch, so a
-- crashed or cancelled run resumes where it stopped.
CREATE TABLE publish_runs (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  snapshot_id uuid NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
  job_id      uuid UNIQUE,
  status      text NOT NULL DEFAULT 'running'
              CHECK (status IN ('running', 'completed', 'completed_with_errors', 'cancelled', 'failed',
                                'abandoned')),
  counts      jsonb NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX publish_runs_snapshot_idx ON publish_runs (snapshot_id, created_at);

CREATE TABLE publish_ops (
  run_id    uuid NOT NULL REFERENCES publish_runs (id) ON DELETE CASCADE,
  n         integer NOT NULL,  -- execution order: creates, then updates, then deletes
  phase     smallint NOT NULL,  -- 0 create, 1 update, 2 delete
  table_id  uuid NOT NULL,
  record_id bigint NOT NULL,
  op        text NOT NULL CHECK (op IN ('create', 'update', 'delete')),
  remote_id text,
  fields    jsonb,
  status    text NOT NULL DEFAULT 'pending'
            CHECK (status IN ('pending', 'in_flight', 'retry_single', 'succeeded', 'failed', 'ambiguous',
                              'skipped')),
  error     jsonb,
  attempts  integer NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, n)
);
CREATE INDEX publish_ops_record_idx ON publish_ops (table_id, record_id);
CREATE INDEX publish_ops_open_idx ON publish_ops (run_id, n) WHERE status IN ('pending', 'in_flight', 'retry_single');
