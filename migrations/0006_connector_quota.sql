-- Daily request quotas of connectors that declare one (spec "quota", e.g. YouTube's 10,000 units a day):
-- units spent per account and day, the day taken in the quota's own time zone (YouTube: Pacific time).
CREATE TABLE connector_quota_usage (
  account_id uuid NOT NULL REFERENCES connector_accounts (id) ON DELETE CASCADE,
  day        date NOT NULL,
  units      double precision NOT NULL DEFAULT 0 CHECK (units >= 0),
  PRIMARY KEY (account_id, day)
);
