// Minimal blocking HTTP client (libcurl) for talking to a scratchd under test.
#include "support/http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <stdexcept>

namespace scratch::test {
namespace {

// curl_global_init is not thread-safe on older libcurls; a function-local static runs it exactly once.
void ensure_curl_initialized() {
  static const bool ok = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  if (!ok) throw std::runtime_error("curl_global_init failed");
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* headers = static_cast<decltype(HttpResponse::headers)*>(user);
  const std::string_view line(data, size * n);
  // A new status line starts a new response (e.g. after "100 Continue"); keep only the last one's headers.
  if (line.starts_with("HTTP/")) {
    headers->clear();
    return size * n;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * n;  // blank line ending the headers
  const std::string name(trim(line.substr(0, colon)));
  const std::string value(trim(line.substr(colon + 1)));
  auto [it, inserted] = headers->try_emplace(name, value);
  if (!inserted) it->second += ", " + value;
  return size * n;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const noexcept {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) < std::tolower(static_cast<unsigned char>(y));
  });
}

nlohmann::json HttpResponse::json() const {
  try {
    return nlohmann::json::parse(body);
  } catch (const nlohmann::json::exception& e) {
    // Cap the quoted body so an HTML error page doesn't swamp the test output.
    constexpr size_t kMax = 4000;
    const std::string shown = body.size() > kMax ? body.substr(0, kMax) + "...[truncated]" : body;
    throw std::runtime_error("response (status " + std::to_string(status) + ") is not JSON: " + e.what() +
                             "; body: " + shown);
  }
}

std::string HttpResponse::header(std::string_view name) const {
  const auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

HttpClient::HttpClient(std::string base_url, std::chrono::milliseconds timeout)
    : base_url_(std::move(base_url)), timeout_(timeout) {
  while (!base_url_.empty() && base_url_.back() == '/')
    base_url_.pop_back();
}

HttpResponse HttpClient::request(std::string_view method, std::string_view path,
                                 std::optional<std::string> body,
                                 std::vector<std::pair<std::string, std::string>> headers) const {
  ensure_curl_initialized();
  HttpResponse resp;
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) {
    resp.body = "curl_easy_init failed";
    return resp;
  }
  CURL* c = curl.get();

  std::string url = base_url_;
  if (!path.empty() && path.front() != '/') url += '/';
  url += path;
  const std::string method_str(method);
  // Send "Content-Length: 0" for bodiless POST/PUT/PATCH as browsers do; some servers answer 411 otherwise.
  if (!body && (method_str == "POST" || method_str == "PUT" || method_str == "PATCH")) body.emplace();

  bool has_content_type = false;
  curl_slist* raw_list = nullptr;
  auto append = [&raw_list](const std::string& line) {
    if (curl_slist* next = curl_slist_append(raw_list, line.c_str())) raw_list = next;
  };
  for (const auto& [name, value] : headers) {
    if (iequals(name, "Content-Type")) has_content_type = true;
    // "Name;" is curl's syntax for sending a header with an empty value ("Name:" would remove it).
    append(value.empty() ? name + ";" : name + ": " + value);
  }
  // Don't let curl pause large uploads waiting for "100 Continue".
  append("Expect:");
  if (body && !has_content_type) append("Content-Type:");
  std::unique_ptr<curl_slist, SlistDeleter> header_list(raw_list);

  char errbuf[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // threads + timeouts without SIGALRM
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_.count()));
  curl_easy_setopt(c, CURLOPT_NOPROXY, "*");  // a developer's http_proxy must not intercept localhost
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &resp.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &resp.headers);

  if (method_str == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);  // otherwise curl waits for a body that never comes
  } else {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method_str.c_str());
  }
  if (body) {
    // POSTFIELDS with an explicit size sends binary-safe bodies of any length without copying.
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->data());
  }

  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    HttpResponse failed;  // discard any partial response so status 0 always means "no response"
    failed.body = std::string(curl_easy_strerror(rc)) + (errbuf[0] ? std::string(": ") + errbuf : "");
    return failed;
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
  return resp;
}

std::vector<std::pair<std::string, std::string>> HttpClient::auth(std::string_view bearer) {
  if (bearer.empty()) return {};
  return {{"Authorization", "Bearer " + std::string(bearer)}};
}

HttpResponse HttpClient::get(std::string_view path, std::string_view bearer) const {
  return request("GET", path, std::nullopt, auth(bearer));
}

HttpResponse HttpClient::post_json(std::string_view path, const nlohmann::json& body,
                                   std::string_view bearer) const {
  auto headers = auth(bearer);
  headers.emplace_back("Content-Type", "application/json");
  return request("POST", path, body.dump(), std::move(headers));
}

HttpResponse HttpClient::del(std::string_view path, std::string_view bearer) const {
  return request("DELETE", path, std::nullopt, auth(bearer));
}

}  // namespace scratch::test
