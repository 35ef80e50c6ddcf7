// One write op, parsed and checked against the table before any file is touched, and the per-op result
// objects the write contract returns.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scratch/plugin.hpp"
#include "table_schema.hpp"

namespace scratch::csv {

enum class OpKind { kCreate, kUpdate, kDelete };

struct WriteOp {
  OpKind kind = OpKind::kCreate;
  plugin::json ref;  // echoed back as given
  // update/delete: the row it targets. create with an id_column: the new row's id.
  std::string id;
  std::vector<std::pair<std::size_t, std::string>> values;  // column position → cell text
};

// Exactly one of the two is set: the op to apply, or the failed result to return for it.
struct ParsedOp {
  std::optional<WriteOp> op;
  plugin::json failure;
};

// Failure codes: "invalid_op" (shape), "unknown_field", "invalid_value" (object/array value, or a create
// without a value for the id column).
ParsedOp parse_op(const plugin::json& op, const TableSchema& schema);

plugin::json op_failure(const plugin::json& ref, std::string_view code, std::string_view message);
// Success with all of the row's values, typed as a read would type them.
plugin::json op_success(const plugin::json& ref, std::string_view id, const std::vector<std::string>& row,
                        const TableSchema& schema);

}  // namespace scratch::csv
