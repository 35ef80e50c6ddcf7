// Parses write ops and builds their results.
#include "write_ops.hpp"

#include "cell_values.hpp"

namespace scratch::csv {

using plugin::json;

namespace {

std::optional<std::string> id_text(const json& op) {
  const auto it = op.find("id");
  if (it == op.end()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return it->dump();  // row-number ids sent as numbers
  return std::nullopt;
}

}  // namespace

json op_failure(const json& ref, std::string_view code, std::string_view message) {
  return {
      {"ref", ref}, {"ok", false}, {"error", {{"code", code}, {"message", message}, {"retryable", false}}}};
}

json op_success(const json& ref, std::string_view id, const std::vector<std::string>& row,
                const TableSchema& schema) {
  json fields = json::object();
  for (std::size_t i = 0; i < row.size(); ++i)
    fields[schema.fields[i].id] = cell_to_json(row[i], schema.fields[i].type);
  return {{"ref", ref}, {"ok", true}, {"id", id}, {"fields", std::move(fields)}};
}

ParsedOp parse_op(const json& op, const TableSchema& schema) {
  if (!op.is_object()) return {std::nullopt, op_failure(nullptr, "invalid_op", "each op must be an object")};
  WriteOp out;
  out.ref = op.contains("ref") ? op["ref"] : json(nullptr);
  auto fail = [&](std::string_view code, const std::string& message) {
    return ParsedOp{std::nullopt, op_failure(out.ref, code, message)};
  };

  const std::string kind = op.contains("op") && op["op"].is_string() ? op["op"].get<std::string>() : "";
  if (kind == "create") {
    out.kind = OpKind::kCreate;
  } else if (kind == "update") {
    out.kind = OpKind::kUpdate;
  } else if (kind == "delete") {
    out.kind = OpKind::kDelete;
  } else {
    return fail("invalid_op", "op must be \"create\", \"update\" or \"delete\"");
  }

  if (out.kind != OpKind::kCreate) {
    const auto id = id_text(op);
    if (!id || id->empty()) return fail("invalid_op", kind + " needs the id of the row");
    out.id = *id;
  }
  if (out.kind == OpKind::kDelete) return {std::move(out), nullptr};

  if (const auto it = op.find("fields"); it != op.end() && !it->is_null()) {
    if (!it->is_object()) return fail("invalid_op", "fields must be an object");
    for (const auto& [name, value] : it->items()) {
      const auto column = schema.index_of(name);
      if (!column) return fail("unknown_field", "no field \"" + name + "\" in this table");
      auto text = json_to_cell(value);
      if (!text)
        return fail("invalid_value", "field \"" + name + "\": a CSV cell cannot hold an object or array");
      out.values.emplace_back(*column, std::move(*text));
    }
  }

  if (out.kind == OpKind::kCreate && schema.id_index) {
    bool has_id_value = false;
    for (const auto& [column, text] : out.values) {
      if (column == *schema.id_index) {
        has_id_value = true;
        out.id = text;
      }
    }
    if (!has_id_value) {
      if (const auto id = id_text(op)) {
        out.id = *id;
        out.values.emplace_back(*schema.id_index, *id);
      }
    }
    if (out.id.empty()) {
      return fail("invalid_value",
                  "a new row needs a value for the id column \"" + schema.fields[*schema.id_index].id + "\"");
    }
  }
  return {std::move(out), nullptr};
}

}  // namespace scratch::csv
