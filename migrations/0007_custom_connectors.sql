-- Custom connectors: Lua scripts an AI builder (or a person) writes for a service we do not ship.
-- Every save is a new immutable version, and accounts name one version ("custom:<id>@<n>"), so saving a fix
-- never changes what a running download or publish executes.

CREATE TABLE custom_connectors (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, name)
);

CREATE TABLE custom_connector_versions (
  connector_id uuid NOT NULL REFERENCES custom_connectors (id) ON DELETE CASCADE,
  version      integer NOT NULL CHECK (version >= 1),
  script       text NOT NULL,
  spec         jsonb,  -- null when the version did not validate
  validation   jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connector_id, version)
);

-- Versions are immutable: what an account pinned is what it runs.
CREATE FUNCTION custom_connector_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'custom connector versions are immutable';
END;
$$;
CREATE TRIGGER custom_connector_versions_no_update BEFORE UPDATE ON custom_connector_versions
  FOR EACH ROW EXECUTE FUNCTION custom_connector_versions_immutable();
