// Scratch connector SDK 1.1: small helpers most HTTP connectors write for themselves. Header-only, needs only
// nlohmann/json and scratch/plugin.hpp; everything is optional to use.
#pragma once

#include <cctype>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

#include "scratch/plugin.hpp"

namespace scratch::plugin {

// Percent-encodes everything but RFC 3986 unreserved characters (A-Z a-z 0-9 - _ . ~), upper-case hex.
inline std::string url_encode(const std::string& text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// object[key] when it is a string, else `fallback` (also when `object` is not an object).
inline std::string string_or(const json& object, const char* key, const std::string& fallback = "") {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

// object[key] when it is a number, else `fallback`.
inline double number_or(const json& object, const char* key, double fallback) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<double>() : fallback;
}

// object[key] when it is a number above 0 (a rate, a limit), else `fallback`.
inline double positive_number_or(const json& object, const char* key, double fallback) {
  const double value = number_or(object, key, 0);
  return value > 0 ? value : fallback;
}

// `url` without its trailing slashes.
inline std::string without_trailing_slashes(std::string url) {
  while (!url.empty() && url.back() == '/')
    url.pop_back();
  return url;
}

// True when `url` starts with http:// or https://.
inline bool is_http_url(const std::string& url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

// config[key] (or `fallback`) without trailing slashes; throws Error("invalid_config") unless it is http(s).
inline std::string base_url_from(const json& config, const char* key, const std::string& fallback) {
  std::string url = without_trailing_slashes(string_or(config, key, fallback));
  if (!is_http_url(url)) {
    throw Error("invalid_config",
                std::string("config.") + key + " must start with https:// (it is " + url + ")");
  }
  return url;
}

// request.table, which must be a string; throws Error("invalid_request") otherwise.
inline std::string request_table(const json& request) {
  const auto it = request.find("table");
  if (it == request.end() || !it->is_string()) throw Error("invalid_request", "request.table is required");
  return it->get<std::string>();
}

// request.ops (an empty array when absent); throws Error("invalid_request") when it is not an array.
inline json request_ops(const json& request) {
  json ops = request.contains("ops") ? request["ops"] : json::array();
  if (!ops.is_array()) throw Error("invalid_request", "request.ops must be an array");
  return ops;
}

// The kind of write op number `index` ("create", "update" or "delete") once its shape is checked: an update
// or delete needs a string id, and fields, when given, must be an object. Throws Error("invalid_request")
// otherwise.
inline std::string checked_op_kind(const json& op, std::size_t index) {
  const std::string kind = op.is_object() ? op.value("op", "") : "";
  if (kind != "create" && kind != "update" && kind != "delete")
    throw Error("invalid_request", "op " + std::to_string(index) + " is not a create, update or delete");
  if (kind != "create" && !(op.contains("id") && op["id"].is_string()))
    throw Error("invalid_request", "op " + std::to_string(index) + " (" + kind + ") has no record id");
  if (kind != "delete" && op.contains("fields") && !op["fields"].is_object())
    throw Error("invalid_request", "op " + std::to_string(index) + " has fields that are not an object");
  return kind;
}

// The op's ref as a string: the string itself, or the JSON text of any other value ("null" when absent).
inline std::string op_ref(const json& op) {
  const json& ref = op.contains("ref") ? op["ref"] : json();
  return ref.is_string() ? ref.get<std::string>() : ref.dump();
}

// A successful write result for the op `ref`: {"ref", "ok": true, "id"}.
inline json op_ok(const json& ref, const json& id) {
  return {{"ref", ref}, {"ok", true}, {"id", id}};
}

// A successful write result with the record's values as stored: {"ref", "ok": true, "id", "fields"}.
inline json op_ok(const json& ref, const json& id, const json& fields) {
  return {{"ref", ref}, {"ok", true}, {"id", id}, {"fields", fields}};
}

// A failed write result for the op `ref`: {"ref", "ok": false, "error": {"code", "message", "retryable"}}.
inline json op_error(const json& ref, const std::string& code, const std::string& message, bool retryable) {
  return {{"ref", ref},
          {"ok", false},
          {"error", {{"code", code}, {"message", message}, {"retryable", retryable}}}};
}

// A failed write result carrying `error`'s code, message and retryable flag.
inline json op_error(const json& ref, const Error& error) {
  return op_error(ref, error.code(), error.what(), error.retryable());
}

// True when Host::http's error code means the request never left, so nothing can have been applied.
inline bool never_sent(const std::string& host_error_code) {
  for (const char* code : {"connect_failed", "dns_failed", "tls_failed", "invalid_request", "cancelled",
                           "rate_limited", "unsupported"})
    if (host_error_code == code) return true;
  return false;
}

// A request with `authorization` (unless empty) and accept: application/json; a non-null `body` goes as JSON.
inline HttpRequest json_request(const std::string& method, const std::string& url,
                                const std::string& authorization, const json& body = json(),
                                double requests_per_second = 0) {
  HttpRequest request;
  request.method = method;
  request.url = url;
  if (!authorization.empty()) request.headers["authorization"] = authorization;
  request.headers["accept"] = "application/json";
  if (!body.is_null()) {
    request.headers["content-type"] = "application/json";
    request.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  request.requests_per_second = requests_per_second;
  return request;
}

// A response body as JSON, or null when it is empty or not JSON (error bodies are read defensively).
inline json parse_lenient(const std::string& body) {
  json parsed = json::parse(body, nullptr, false);
  return parsed.is_discarded() ? json() : parsed;
}

}  // namespace scratch::plugin
