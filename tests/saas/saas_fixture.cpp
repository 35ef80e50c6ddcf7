#include "saas_fixture.hpp"

#include "support/random_hex.hpp"

namespace scratch::test {

using json = nlohmann::json;

std::string SaasTest::create_account(const ApiUser& as, const std::string& connector, const json& config,
                                     const json& credentials) {
  const json created = as.post_ok("/api/v1/connector-accounts",
                                  {{"connector", connector},
                                   {"display_name", connector + " " + random_hex(4)},
                                   {"config", config},
                                   {"credentials", credentials}},
                                  201);
  return created.is_object() ? created.value("id", "") : "";
}

HttpResponse SaasTest::check_account(const ApiUser& as, const std::string& account_id) {
  return as.post("/api/v1/connector-accounts/" + account_id + "/check");
}

json SaasTest::account_tables(const ApiUser& as, const std::string& account_id) {
  return as.get_ok("/api/v1/connector-accounts/" + account_id + "/tables");
}

json SaasTest::find_table(const json& tables, const std::string& remote_table) {
  if (!tables.is_object() || !tables.contains("tables")) return nullptr;
  for (const auto& t : tables["tables"])
    if (t.value("id", "") == remote_table) return t;
  return nullptr;
}

SaasTest::Downloaded SaasTest::download_table(const ApiUser& as, const std::string& account_id,
                                              const std::string& remote_table, std::chrono::seconds timeout) {
  Downloaded d;
  d.snapshot_id = create_snapshot(as, remote_table);
  const json table = add_table(as, d.snapshot_id, account_id, remote_table);
  d.table_id = table.is_object() ? table.value("id", "") : "";
  d.records = records_path(d.snapshot_id, d.table_id);
  if (d.snapshot_id.empty() || d.table_id.empty()) {
    ADD_FAILURE() << "download_table: setup failed";
    return d;
  }
  d.job = download(as, d.snapshot_id, timeout);
  EXPECT_EQ(d.job.value("state", ""), "succeeded") << d.job.dump();
  return d;
}

json SaasTest::edit_record(const ApiUser& as, const Downloaded& d, const std::string& record_id,
                           const json& fields) {
  return as.patch_ok(d.records + "/" + record_id, {{"values", fields}});
}

json SaasTest::create_record(const ApiUser& as, const Downloaded& d, const json& fields) {
  return as.post_ok(d.records, {{"values", fields}}, 201);
}

void SaasTest::delete_record(const ApiUser& as, const Downloaded& d, const std::string& record_id) {
  as.del_ok(d.records + "/" + record_id, 200);
}

}  // namespace scratch::test
