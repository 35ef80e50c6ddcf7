#include "snapshots/record_view.hpp"

namespace scratch::snapshots {

const char* const kStateSql =
    "(CASE WHEN r.suggested_create THEN 'suggested' WHEN r.deleted THEN 'deleted' WHEN r.created THEN "
    "'created' WHEN r.original <> '{}' THEN 'edited' ELSE 'synced' END)";

std::string record_json_sql(const std::set<std::string>& fields, const Quote& quote) {
  std::string keep;  // a text[] of the projected fields
  if (!fields.empty()) {
    std::string list;
    for (const auto& f : fields)
      list += (list.empty() ? "" : ", ") + quote(f);
    keep = "ARRAY[" + list + "]::text[]";
  }
  const auto project = [&](const std::string& object) {
    if (keep.empty()) return object;
    return "(SELECT COALESCE(jsonb_object_agg(e.key, e.value), '{}') FROM jsonb_each(" + object +
           ") e WHERE e.key = ANY(" + keep + "))";
  };
  // edits: each edited field's current value; conflicts: both sides and the base of each conflicted field.
  const std::string edits =
      "(SELECT COALESCE(jsonb_object_agg(k, COALESCE(r.vals -> k, 'null')), '{}') FROM jsonb_object_keys("
      "CASE WHEN r.created THEN '{}'::jsonb ELSE r.original END) k)";
  const std::string conflicts =
      "(SELECT COALESCE(jsonb_object_agg(c.key, jsonb_build_object('local', COALESCE(r.vals -> c.key, "
      "'null'), "
      "'remote', c.value -> 'remote', 'base', c.value -> 'base')), '{}') FROM jsonb_each(r.conflicts) c)";
  return "jsonb_build_object("
         "'id', r.id::text, 'table_id', r.table_id, 'remote_id', r.remote_id, "
         "'values', " +
         project("r.vals") +
         ", "
         "'downloaded', CASE WHEN r.created THEN NULL ELSE " +
         project("r.vals || r.original") +
         " END, "
         "'edits', " +
         project(edits) +
         ", "
         "'suggestions', " +
         project("r.suggestions") +
         ", "
         "'suggested_delete', r.suggest_delete, 'suggested_create', r.suggested_create, "
         "'conflicts', " +
         project(conflicts) +
         ", "
         "'state', " +
         kStateSql +
         ", "
         "'remote_deleted', r.remote_deleted, 'ambiguous_create', r.ambiguous_create, "
         "'publish_error', r.publish_error, 'remote_updated_at', r.remote_updated_at, 'seq', r.seq, "
         "'updated_at', scratch_iso(r.updated_at))::text";
}

}  // namespace scratch::snapshots
