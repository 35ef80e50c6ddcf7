// Reads a request body as a JSON object, answering the client's mistakes with precise problems:
// 415 wrong content type, 400 empty/malformed/too deeply nested JSON, 400 not an object.
#pragma once

#include <nlohmann/json.hpp>

#include "http/request.hpp"

namespace scratch::http {

constexpr int kMaxJsonDepth = 64;

nlohmann::json parse_json_object(const Request& request);

// Deepest nesting of arrays/objects in `text`, scanning outside strings; stops early past `limit`.
int json_nesting_depth(const std::string& text, int limit);

}  // namespace scratch::http
