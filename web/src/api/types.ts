// Shapes of the API's answers (see docs/snapshots.md and GET /api/v1/openapi.json).

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: Json[];
  default?: Json;
  format?: string;
  writeOnly?: boolean;
}

export interface ConnectorSpec {
  display_name?: string;
  description?: string;
  capabilities?: string[];
  config_schema?: JsonSchema;
  credentials_schema?: JsonSchema;
}

export interface ConnectorType {
  name: string;
  version?: string;
  spec: ConnectorSpec;
}

export interface Account {
  id: string;
  connector: string;
  display_name: string;
  config: Record<string, Json>;
  credentials: Record<string, Json>;
  created_at: string;
  updated_at: string;
}

export interface Field {
  id: string;
  name: string;
  type: string;
  read_only?: boolean;
  options?: Json;
}

export interface SourceTable {
  id: string;
  name: string;
  read_only?: boolean;
  fields: Field[];
}

export interface SnapshotTable {
  id: string;
  snapshot_id: string;
  account_id: string;
  connector: string;
  remote_table: string;
  name: string;
  read_only: boolean;
  fields: Field[];
  record_count: number;
  dirty_count: number;
  pending_count: number;
  conflict_count: number;
  last_download_at: string | null;
  last_publish_at: string | null;
}

export interface Snapshot {
  id: string;
  name: string;
  created_at: string;
  updated_at: string;
  tables: SnapshotTable[];
}

export interface Conflict {
  local: Json;
  remote: Json;
  base: Json;
}

export interface PublishError {
  code: string;
  message: string;
  retryable?: boolean;
  at?: string;
}

export interface RecordRow {
  id: string;
  table_id: string;
  remote_id: string | null;
  values: Record<string, Json>;
  downloaded: Record<string, Json> | null;
  edits: Record<string, Json>;
  suggestions: Record<string, Json>;
  suggested_delete: boolean;
  suggested_create: boolean;
  conflicts: Record<string, Conflict>;
  state: "synced" | "edited" | "created" | "deleted" | "suggested";
  remote_deleted: boolean;
  ambiguous_create: boolean;
  publish_error: PublishError | null;
  seq: number;
}

export interface RecordPage {
  items: RecordRow[];
  next_cursor: string | null;
  total?: number;
}

export interface JobProgress {
  done: number | null;
  total: number | null;
  message: string;
}

export interface Job {
  id: string;
  type: string;
  state: "queued" | "running" | "succeeded" | "failed" | "cancelled";
  attempts: number;
  max_attempts: number;
  payload: Record<string, Json>;
  progress: JobProgress | null;
  result: Json;
  error: Json;
  cancel_requested: boolean;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface PublishPlan {
  counts: { table_id: string; name: string; creates: number; updates: number; deletes: number; skipped: number }[];
  operations: { table_id: string; record_id: string; op: string; remote_id: string | null; fields: string[] | Json }[];
  skipped: { table_id: string; record_id: string; reason: string }[];
  next_cursor: string | null;
}

export interface PublishResult {
  status: "completed" | "completed_with_errors";
  run_id: string;
  counts: Record<string, { succeeded: number; failed: number }>;
  failures: { table_id: string; record_id: string; op: string; error: PublishError }[];
}

export interface ApiToken {
  id: string;
  name: string;
  prefix?: string;
  token?: string;
  created_at?: string;
  expires_at?: string | null;
  last_used_at?: string | null;
}

export interface AgentToken {
  id: string;
  name: string;
  prefix: string;
  expires_at: string;
  capabilities?: string[];
  token?: string;
}

export interface ProblemEntry {
  kind: string;
  message: string;
  line?: number;
  column?: number;
  function?: string;
  field?: string;
  traceback?: string;
}

export interface Validation {
  valid: boolean;
  errors: ProblemEntry[];
  spec: ConnectorSpec | null;
  functions: Record<string, string>;
}

export interface TestStep {
  name: string;
  status: "ok" | "error" | "skipped";
  duration_ms?: number;
  sample?: Json;
  logs?: { level?: string; message?: string; [k: string]: Json | undefined }[];
  error?: { code?: string; message?: string; line?: number; traceback?: string; function?: string };
}

export interface TestReport {
  ok: boolean;
  steps: TestStep[];
}

export interface CustomVersion {
  connector_id: string;
  version: number;
  connector: string;
  valid: boolean;
  spec: ConnectorSpec | null;
  validation: Validation;
  script?: string;
  created_at: string;
}

export interface CustomConnector {
  id: string;
  name: string;
  latest_version: number;
  connector: string;
  version?: CustomVersion;
  versions?: CustomVersion[];
  created_at: string;
  updated_at: string;
}
