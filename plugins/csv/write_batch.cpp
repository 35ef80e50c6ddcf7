// Applies a write batch in one streaming pass: copy the current version row by row into a new version,
// updating or dropping targeted rows on the way, then append the created rows.
//
// Ids: with an id_column, a row's id is that column's value. Without one, the id is the 1-based data row
// number, so a delete shifts the ids of all later rows down by one in the new version (configure
// id_column for stable ids). Ops name rows by their id in the current version; the ids returned are the
// rows' ids in the new version. Ids are meant to be unique: an op affects the first row with its id.
#include "write_batch.hpp"

#include <unordered_map>
#include <vector>

#include "csv_writer.hpp"
#include "table_schema.hpp"
#include "write_ops.hpp"

namespace scratch::csv {

using plugin::Error;
using plugin::json;

namespace {

constexpr std::uint64_t kCancelCheckRows = 10000;

class BatchApplier {
 public:
  BatchApplier(const TableSchema& schema, const json& ops) : schema_(schema), results_(ops.size()) {
    ops_.resize(ops.size());
    for (std::size_t i = 0; i < ops.size(); ++i) {
      ParsedOp parsed = parse_op(ops[i], schema);
      if (!parsed.op) {
        results_[i] = std::move(parsed.failure);
        continue;
      }
      ops_[i] = std::move(parsed.op);
      const WriteOp& op = *ops_[i];
      if (op.kind != OpKind::kCreate) {
        targets_[op.id].push_back(i);
      } else if (schema.id_index && !new_ids_.emplace(op.id, i).second) {
        fail(i, "duplicate_id", "another create in this batch uses id \"" + op.id + "\"");
      } else {
        creates_.push_back(i);
      }
    }
  }

  bool has_work() const { return !targets_.empty() || !creates_.empty(); }

  // One row of the current version; false when it is deleted.
  bool apply_to_row(std::vector<std::string>& row, std::uint64_t row_number, std::uint64_t rows_kept) {
    const std::string id = schema_.id_index ? row[*schema_.id_index] : std::to_string(row_number);
    if (schema_.id_index) {
      if (const auto taken = new_ids_.find(id); taken != new_ids_.end()) {
        fail(taken->second, "duplicate_id", "a row with id \"" + id + "\" already exists");
        new_ids_.erase(taken);
      }
    }
    const auto target = targets_.find(id);
    if (target == targets_.end()) return true;

    bool deleted = false;
    std::vector<std::size_t> updated;
    for (const std::size_t i : target->second) {
      const WriteOp& op = *ops_[i];
      if (deleted) {
        fail(i, "not_found", "row \"" + id + "\" was deleted by an earlier op in this batch");
      } else if (op.kind == OpKind::kDelete) {
        deleted = true;
        results_[i] = op_success(op.ref, id, row, schema_);
      } else {
        for (const auto& [column, text] : op.values)
          row[column] = text;
        results_[i] = op_success(op.ref, id, row, schema_);
        updated.push_back(i);
      }
    }
    if (!deleted) {
      const std::string new_id = schema_.id_index ? row[*schema_.id_index] : std::to_string(rows_kept + 1);
      for (const std::size_t i : updated)
        results_[i]["id"] = new_id;
    }
    targets_.erase(target);  // first matching row only
    return !deleted;
  }

  // After the last row: ops whose row never came fail; creates that survived are appended.
  void finish(CsvWriter& writer, std::uint64_t rows_kept) {
    for (const auto& [id, indexes] : targets_) {
      for (const std::size_t i : indexes)
        fail(i, "not_found", "no row with id \"" + id + "\"");
    }
    for (const std::size_t i : creates_) {
      if (!results_[i].is_null()) continue;  // failed as a duplicate while streaming
      const WriteOp& op = *ops_[i];
      std::vector<std::string> row(schema_.header.size());
      for (const auto& [column, text] : op.values)
        row[column] = text;
      writer.write(row);
      ++rows_kept;
      results_[i] = op_success(op.ref, schema_.id_index ? op.id : std::to_string(rows_kept), row, schema_);
    }
  }

  bool any_succeeded() const {
    for (const json& r : results_) {
      if (r.value("ok", false)) return true;
    }
    return false;
  }

  json results() && { return {{"results", std::move(results_)}}; }

 private:
  void fail(std::size_t i, std::string_view code, const std::string& message) {
    results_[i] = op_failure(ops_[i] ? ops_[i]->ref : json(nullptr), code, message);
  }

  const TableSchema& schema_;
  std::vector<std::optional<WriteOp>> ops_;
  std::vector<json> results_;                                          // null until decided
  std::unordered_map<std::string, std::vector<std::size_t>> targets_;  // id → update/delete ops, in order
  std::unordered_map<std::string, std::size_t> new_ids_;               // id_column mode: create id → op
  std::vector<std::size_t> creates_;
};

}  // namespace

json write_batch(const VersionStore& store, const ConnectorConfig& config, const json& request,
                 const plugin::Host& host) {
  require_table(request);
  const auto ops = request.find("ops");
  if (ops == request.end() || !ops->is_array()) throw Error("invalid_request", "ops must be an array");
  if (ops->size() > kMaxWriteBatch) {
    throw Error("invalid_request", "at most " + std::to_string(kMaxWriteBatch) + " ops per write");
  }

  const unsigned version = store.require_current();
  const std::filesystem::path file = store.path_of(version);
  const TableSchema schema = load_schema(file, config);
  BatchApplier batch(schema, *ops);
  if (!batch.has_work()) return std::move(batch).results();

  NewVersionFile out(store, version + 1);
  CsvWriter writer(out.stream(), config.delimiter);
  writer.write(schema.header);
  CsvReader reader(file, reader_options(config, schema), schema.data_start);
  std::vector<std::string> row;
  std::uint64_t row_number = 0;
  std::uint64_t rows_kept = 0;
  while (reader.next(row)) {
    if (++row_number % kCancelCheckRows == 0) host.throw_if_cancelled();
    if (batch.apply_to_row(row, row_number, rows_kept)) {
      writer.write(row);
      ++rows_kept;
    }
  }
  batch.finish(writer, rows_kept);

  if (batch.any_succeeded()) {
    out.commit();  // otherwise `out` removes its temp file: no new version when every op failed
    host.info("wrote version " + std::to_string(version + 1));
  }
  return std::move(batch).results();
}

}  // namespace scratch::csv
