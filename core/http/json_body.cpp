#include "http/json_body.hpp"

#include <algorithm>
#include <cctype>

#include "http/problem.hpp"

namespace scratch::http {

int json_nesting_depth(const std::string& text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > limit) return deepest;
    } else if (c == ']' || c == '}')
      --depth;
  }
  return deepest;
}

nlohmann::json parse_json_object(const Request& request) {
  const auto content_type = request.header("Content-Type");
  std::string media = content_type.value_or("");
  media = media.substr(0, media.find(';'));
  media.erase(std::remove_if(media.begin(), media.end(), [](unsigned char c) { return std::isspace(c); }),
              media.end());
  std::transform(media.begin(), media.end(), media.begin(), [](unsigned char c) { return std::tolower(c); });
  if (media != "application/json") {
    throw ApiError(415, "unsupported_media_type", "Unsupported media type",
                   "send the body as JSON with 'Content-Type: application/json' (got '" +
                       content_type.value_or("none") + "')");
  }
  if (request.body.empty()) {
    throw ApiError(400, "malformed_json", "Malformed JSON",
                   "the request body is empty; expected a JSON object");
  }
  if (json_nesting_depth(request.body, kMaxJsonDepth) > kMaxJsonDepth) {
    throw ApiError(400, "malformed_json", "Malformed JSON",
                   "JSON nesting is deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  nlohmann::json body;
  try {
    body = nlohmann::json::parse(request.body);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte tells the client where it went wrong.
    throw ApiError(400, "malformed_json", "Malformed JSON",
                   "the request body is not valid JSON (error at byte " + std::to_string(e.byte) + ")");
  }
  if (!body.is_object()) {
    throw ApiError(400, "invalid_body", "Invalid request body", "the request body must be a JSON object");
  }
  return body;
}

}  // namespace scratch::http
