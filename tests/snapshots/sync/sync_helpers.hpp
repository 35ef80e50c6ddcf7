// Small header-only helpers for the download/publish end-to-end tests (tests/snapshots/sync/*_test.cpp):
// paths, finding records, polling jobs. Everything talks to the server over HTTP through ApiUser.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "snapshots/snapshot_fixture.hpp"

namespace scratch::test::sync {

using nlohmann::json;
using namespace std::chrono_literals;

inline std::string snap_path(const std::string& sid) {
  return "/api/v1/snapshots/" + sid;
}
inline std::string table_path(const std::string& sid, const std::string& tid) {
  return snap_path(sid) + "/tables/" + tid;
}
inline std::string records_path(const std::string& sid, const std::string& tid) {
  return table_path(sid, tid) + "/records";
}
inline std::string record_path(const std::string& sid, const std::string& tid, const std::string& rid) {
  return records_path(sid, tid) + "/" + rid;
}

// A record id as the path wants it (ids are strings in the API; accept numbers too).
inline std::string id_of(const json& record) {
  const json& id = record.at("id");
  return id.is_string() ? id.get<std::string>() : id.dump();
}
inline std::string str(const json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// The one record whose values[field] == value (ADD_FAILURE and null when none or several).
inline json find_by(const json& records, const std::string& field, const json& value) {
  json found = nullptr;
  int n = 0;
  for (const auto& r : records) {
    if (r.contains("values") && r["values"].is_object() && r["values"].contains(field) &&
        r["values"][field] == value) {
      found = r;
      ++n;
    }
  }
  if (n != 1) ADD_FAILURE() << n << " records with " << field << " = " << value.dump();
  return found;
}
inline int count_by(const json& records, const std::string& field, const json& value) {
  int n = 0;
  for (const auto& r : records) {
    if (r.contains("values") && r["values"].is_object() && r["values"].contains(field) &&
        r["values"][field] == value)
      ++n;
  }
  return n;
}

// A source row (from source_rows) keyed by a column's value as text.
inline std::map<std::string, json> index_rows(const json& rows, const std::string& column) {
  std::map<std::string, json> out;
  for (const auto& row : rows)
    out[str(row.at(column))] = row;
  return out;
}

inline json get_job(const ApiUser& as, const std::string& job_id) {
  return as.get_ok("/api/v1/jobs/" + job_id);
}
inline bool job_finished(const json& job) {
  const std::string state = job.value("state", "");
  return state == "succeeded" || state == "failed" || state == "cancelled";
}
inline long long progress_done(const json& job) {
  if (!job.contains("progress") || !job["progress"].is_object()) return 0;
  const json& d = job["progress"]["done"];
  return d.is_number() ? d.get<long long>() : 0;
}
inline long long progress_total(const json& job) {
  if (!job.contains("progress") || !job["progress"].is_object()) return -1;
  const json& t = job["progress"]["total"];
  return t.is_number() ? t.get<long long>() : -1;
}

// Polls until pred() or the deadline; returns whether pred() held.
inline bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout,
                       std::chrono::milliseconds every = 50ms) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(every);
  }
  return pred();
}

// The job from a 202 {job} answer.
inline std::string job_id_of(const json& accepted) {
  if (accepted.contains("job") && accepted["job"].is_object()) return accepted["job"].value("id", "");
  return accepted.value("id", "");
}

// GET the publish plan, following cursors; returns {counts, operations: [...all], skipped: [...all]}.
inline json full_plan(const ApiUser& as, const std::string& sid, const std::string& query = "") {
  json out = {{"operations", json::array()}, {"skipped", json::array()}, {"counts", json::array()}};
  std::string cursor;
  for (int page = 0; page < 1000; ++page) {
    std::string path = snap_path(sid) + "/publish/plan?limit=1000" + (query.empty() ? "" : "&" + query);
    if (!cursor.empty()) path += "&cursor=" + cursor;
    const json plan = as.get_ok(path);
    if (page == 0) out["counts"] = plan.value("counts", json::array());
    for (const auto& op : plan.value("operations", json::array()))
      out["operations"].push_back(op);
    for (const auto& s : plan.value("skipped", json::array()))
      out["skipped"].push_back(s);
    if (!plan.contains("next_cursor") || plan["next_cursor"].is_null()) break;
    const std::string next = plan["next_cursor"].get<std::string>();
    if (next.empty() || next == cursor) break;
    cursor = next;
  }
  return out;
}

// The ops of a plan for one record id (as text).
inline std::vector<json> ops_for(const json& plan, const std::string& record_id) {
  std::vector<json> out;
  for (const auto& op : plan["operations"])
    if (str(op.at("record_id")) == record_id) out.push_back(op);
  return out;
}

// The plan's counts entry for a table (an object with zeros when missing).
inline json counts_for(const json& plan, const std::string& table_id) {
  for (const auto& c : plan["counts"])
    if (c.value("table_id", "") == table_id) return c;
  ADD_FAILURE() << "no counts for table " << table_id << " in " << plan["counts"].dump();
  return {{"creates", -1}, {"updates", -1}, {"deletes", -1}, {"skipped", -1}};
}

// The {succeeded, failed} part of a publish result's counts for one op (other keys are ignored).
inline json succeeded_failed(const json& result, const std::string& op) {
  if (!result.is_object() || !result.contains("counts") || !result["counts"].contains(op)) return nullptr;
  const json& c = result["counts"][op];
  return {{"succeeded", c.value("succeeded", -1)}, {"failed", c.value("failed", -1)}};
}

// Splits simple CSV text (no quoted commas or line breaks in cells) into rows of cells; quotes are removed.
inline std::vector<std::vector<std::string>> parse_simple_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> cells;
    std::string cell;
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (c == '"') {
        if (quoted && i + 1 < line.size() && line[i + 1] == '"') {
          cell += '"';
          ++i;
        } else {
          quoted = !quoted;
        }
      } else if (c == ',' && !quoted) {
        cells.push_back(cell);
        cell.clear();
      } else {
        cell += c;
      }
    }
    cells.push_back(cell);
    rows.push_back(std::move(cells));
  }
  return rows;
}

}  // namespace scratch::test::sync
