// Reads what a download needs from a connector's read page (the next cursor, the total, how many records)
// without building the page in memory: a SAX pass over the text. The records themselves go to PostgreSQL as
// text.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace scratch::snapshots {

struct PageScan {
  nlohmann::json next_cursor;  // null: last page
  long long total = -1;        // -1: the source did not say
  long long records = 0;
};

// nullopt when the text is not a JSON object, or its cursor is not a string, number or null.
std::optional<PageScan> scan_page(const std::string& text);

}  // namespace scratch::snapshots
