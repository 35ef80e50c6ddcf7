#include "saas_fixture.hpp"

#include "snapshots/sync/sync_helpers.hpp"
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

EmulatorProcess& SaasTest::start_service(const std::string& service, const json& knobs, int seed) {
  emu_ = std::make_unique<EmulatorProcess>(service, knobs, seed);
  return *emu_;
}

int SaasTest::count_requests(const std::string& method, const std::string& path) const {
  int n = 0;
  for (const auto& r : emu().requests())
    if (r["method"] == method && r["path"] == path) ++n;
  return n;
}

json SaasTest::record_for(const Downloaded& d, const std::string& remote_id) {
  const json r = by_remote_id(all_records(user, d.snapshot_id, d.table_id), remote_id);
  EXPECT_FALSE(r.is_null()) << "no record with remote id " << remote_id;
  return r;
}

json SaasTest::expect_rate_kept(int max_per_second) {
  const json stats = emu().stats();
  EXPECT_LE(stats.value("max_per_second", 99), max_per_second) << stats.dump();
  EXPECT_FALSE(stats["by_status"].contains("429")) << stats.dump();
  return stats;
}

void SaasTest::expect_storm_waited_out(const Downloaded& d, std::size_t expected_records, const json& knobs) {
  emu().knobs(knobs);
  emu().reset_log();
  const json again = download(user, d.snapshot_id);
  ASSERT_EQ(again.value("state", ""), "succeeded") << again.dump();
  EXPECT_EQ(all_records(user, d.snapshot_id, d.table_id).size(), expected_records);
  const json storm = emu().stats();
  EXPECT_EQ(storm["by_status"].value("429", 0), knobs.value("storm_429", 0)) << storm.dump();
}

std::string SaasTest::expect_connector_error(const HttpResponse& answer, const std::string& code) {
  EXPECT_EQ(answer.status, 502) << answer.body;
  const json body = json::parse(answer.body);
  EXPECT_EQ(body.value("code", ""), "connector_error") << answer.body;
  EXPECT_EQ(body["connector_error"].value("code", ""), code) << answer.body;
  return body["connector_error"].value("message", "");
}

void SaasTest::expect_field_types(const json& table, const FieldTypes& expected, const std::string& key) {
  ASSERT_EQ(table["fields"].size(), expected.size()) << table.dump();
  for (const auto& f : table["fields"]) {
    const auto it = expected.find(f[key]);
    ASSERT_NE(it, expected.end()) << f.dump();
    EXPECT_EQ(f["type"], it->second.first) << f.dump();
    EXPECT_EQ(f["read_only"], it->second.second) << f.dump();
  }
}

std::set<std::string> SaasTest::failed_ids(const json& publish_result) {
  std::set<std::string> out;
  for (const auto& f : publish_result.value("failures", json::array()))
    out.insert(sync::str(f.at("record_id")));
  return out;
}

std::map<std::string, json> SaasTest::index_by(const json& list, const std::string& key) {
  std::map<std::string, json> out;
  for (const auto& item : list)
    out[item.at(key).get<std::string>()] = item;
  return out;
}

}  // namespace scratch::test
