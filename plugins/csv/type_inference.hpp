// Column type inference from a sample of CSV rows, and the per-value tests it is built on.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scratch::csv {

enum class ColumnType { kText, kNumber, kBoolean, kDate };

// The name used in a connector's field "type".
const char* column_type_name(ColumnType type);

// A plain decimal: -?(0|[1-9][0-9]*)(\.[0-9]+)?. Leading zeros ("007") are refused so codes such as ZIP
// codes stay text. Values a JSON number cannot carry exactly are refused too (integers beyond 18 digits,
// decimals beyond 15 digits), so turning a cell into a number never changes its value.
bool is_number(std::string_view text);
// "true" / "false" in any letter case.
std::optional<bool> parse_boolean(std::string_view text);
// YYYY-MM-DD naming a real calendar day (leap years included).
bool is_date(std::string_view text);
// Whether a non-empty `text` is a value of `type` (every text is a text).
bool fits_type(ColumnType type, std::string_view text);

// Feed up to kSampleRows data rows, then ask for the types. Empty cells are nulls and fit every type; a
// column with only nulls is text.
class TypeInference {
 public:
  static constexpr std::size_t kSampleRows = 1000;

  explicit TypeInference(std::size_t columns);

  void add(const std::vector<std::string>& row);
  std::vector<ColumnType> types() const;

 private:
  struct Candidates {
    bool number = true;
    bool boolean = true;
    bool date = true;
    bool seen_value = false;
  };
  std::vector<Candidates> columns_;
};

}  // namespace scratch::csv
