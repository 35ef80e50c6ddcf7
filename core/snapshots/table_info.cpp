#include "snapshots/table_info.hpp"

#include <pqxx/pqxx>

#include "auth/user_store.hpp"
#include "http/problem.hpp"

namespace scratch::snapshots {
namespace {

constexpr const char* kColumns =
    "id::text, snapshot_id::text, account_id::text, remote_table, name, fields::text, read_only, "
    "record_count, "
    "indexed_fields::text, scratch_fields::text";

TableInfo from_row(const pqxx::row& row) {
  TableInfo t;
  t.id = row[0].as<std::string>();
  t.snapshot_id = row[1].as<std::string>();
  t.account_id = row[2].as<std::string>();
  t.remote_table = row[3].as<std::string>();
  t.name = row[4].as<std::string>();
  t.fields = nlohmann::json::parse(row[5].as<std::string>());
  t.read_only = row[6].as<bool>();
  t.record_count = row[7].as<long long>();
  for (const auto& f : nlohmann::json::parse(row[8].c_str()))
    if (f.is_string()) t.indexed_fields.insert(f.get<std::string>());
  for (auto f : nlohmann::json::parse(row[9].c_str())) {
    f["scratch"] = true;
    t.fields.push_back(std::move(f));
  }
  return t;
}

}  // namespace

const nlohmann::json* TableInfo::field(const std::string& field_id) const {
  for (const auto& f : fields)
    if (f.value("id", "") == field_id) return &f;
  return nullptr;
}

bool TableInfo::writable(const std::string& field_id) const {
  const auto* f = field(field_id);
  return f && !read_only && !f->value("read_only", false);
}

bool TableInfo::is_scratch(const std::string& field_id) const {
  const auto* f = field(field_id);
  return f && f->value("scratch", false);
}

bool TableInfo::publishable(const std::string& field_id) const {
  return writable(field_id) && !is_scratch(field_id);
}

nlohmann::json TableInfo::source_fields() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : fields)
    if (!f.value("scratch", false)) out.push_back(f);
  return out;
}

TableInfo load_table(pqxx::transaction_base& tx, const std::string& snapshot_id,
                     const std::string& table_id) {
  if (!auth::is_uuid(table_id)) throw http::errors::not_found("table " + table_id);
  const auto rows = tx.exec_params(std::string("SELECT ") + kColumns +
                                       " FROM snapshot_tables WHERE id = $1::uuid AND snapshot_id = $2::uuid",
                                   table_id, snapshot_id);
  if (rows.empty()) throw http::errors::not_found("table " + table_id);
  return from_row(rows[0]);
}

std::vector<TableInfo> load_tables(pqxx::transaction_base& tx, const std::string& snapshot_id,
                                   const std::vector<std::string>& ids) {
  std::vector<TableInfo> out;
  if (!ids.empty()) {
    for (const auto& id : ids)
      out.push_back(load_table(tx, snapshot_id, id));
    return out;
  }
  for (const auto& row : tx.exec_params(std::string("SELECT ") + kColumns +
                                            " FROM snapshot_tables WHERE snapshot_id = $1::uuid "
                                            "ORDER BY created_at, id",
                                        snapshot_id))
    out.push_back(from_row(row));
  return out;
}

}  // namespace scratch::snapshots
