#include "snapshots/page_scan.hpp"

namespace scratch::snapshots {
namespace {

using nlohmann::json;

// Tracks nesting; only top-level keys and the elements of the top-level "records" array matter.
class PageSax {
 public:
  PageScan scan;
  bool usable = true;

  bool null() { return value(json(nullptr)); }
  bool boolean(bool v) { return value(json(v)); }
  bool number_integer(json::number_integer_t v) { return value(json(v)); }
  bool number_unsigned(json::number_unsigned_t v) { return value(json(v)); }
  bool number_float(json::number_float_t v, const json::string_t&) { return value(json(v)); }
  bool string(json::string_t& v) { return value(depth_ == 1 && key_ == "next_cursor" ? json(v) : json()); }
  bool binary(json::binary_t&) { return value(json()); }
  bool start_object(std::size_t) { return open(); }
  bool end_object() { return close(); }
  bool start_array(std::size_t) {
    if (depth_ == 0) usable = false;  // a page is an object
    if (depth_ == 1 && key_ == "records") in_records_ = true;
    return open();
  }
  bool end_array() {
    if (depth_ == 2 && in_records_) in_records_ = false;
    return close();
  }
  bool key(json::string_t& k) {
    if (depth_ == 1) key_ = k;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    usable = false;
    return false;
  }

 private:
  bool open() {
    if (depth_ == 1 && key_ == "next_cursor")
      usable = false;  // a structured cursor: let the DOM path handle it
    if (depth_ == 2 && in_records_) ++scan.records;
    ++depth_;
    return usable;
  }
  bool close() {
    --depth_;
    return true;
  }
  bool value(const json& v) {
    if (depth_ == 0) usable = false;  // a bare scalar is no page
    if (depth_ == 1 && key_ == "next_cursor") scan.next_cursor = v;
    if (depth_ == 1 && key_ == "total" && v.is_number_integer()) scan.total = v.get<long long>();
    if (depth_ == 2 && in_records_) ++scan.records;
    return usable;
  }

  int depth_ = 0;
  std::string key_;
  bool in_records_ = false;
};

}  // namespace

std::optional<PageScan> scan_page(const std::string& text) {
  PageSax sax;
  const bool ok = json::sax_parse(text, &sax);
  if (!ok || !sax.usable) return std::nullopt;
  return sax.scan;
}

}  // namespace scratch::snapshots
