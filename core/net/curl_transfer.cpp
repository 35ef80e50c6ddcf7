// A single libcurl transfer: option setup, streaming size cap, header capture, error classification.
#include "net/curl_transfer.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <variant>

#include "net/address_guard.hpp"

namespace scratch::net {
namespace {

constexpr std::chrono::milliseconds max_connect_timeout{10000};

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

// Shared by the callbacks of one transfer.
struct TransferState {
  const TransferSettings* settings = nullptr;
  bool head = false;
  long status = 0;  // of the response whose headers are arriving (there may be 1xx ones first)
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::size_t received = 0;
  bool too_large = false;
  bool cancelled = false;
};

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Responses to HEAD, 1xx, 204 and 304 carry no body even when Content-Length is present.
bool expects_body(const TransferState& state) {
  return !state.head && state.status >= 200 && state.status != 204 && state.status != 304;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto& state = *static_cast<TransferState*>(user);
  const size_t n = size * count;
  const std::string_view raw(data, n);
  const std::string_view line = trim(raw);

  if (raw.starts_with("HTTP/")) {
    // A new status line: the headers of any earlier (1xx) response are not the final response's.
    state.headers.clear();
    state.status = 0;
    const auto space = line.find(' ');
    if (space != std::string_view::npos) {
      const auto code = line.substr(space + 1);
      std::from_chars(code.data(), code.data() + code.size(), state.status);
    }
    return n;
  }
  if (line.empty()) return n;
  if ((raw.front() == ' ' || raw.front() == '\t') && !state.headers.empty()) {
    state.headers.back().second += ' ';  // obsolete line folding continues the previous value
    state.headers.back().second += line;
    return n;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string name = lower(trim(line.substr(0, colon)));
  const std::string_view value = trim(line.substr(colon + 1));

  if (name == "content-length" && expects_body(state)) {
    unsigned long long announced = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), announced);
    const bool overflowed = ec == std::errc::result_out_of_range;
    if (overflowed || (ec == std::errc() && announced > state.settings->max_response_bytes)) {
      state.too_large = true;
      return 0;  // aborts the transfer before the body is read
    }
  }
  state.headers.emplace_back(std::move(name), std::string(value));
  return n;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto& state = *static_cast<TransferState*>(user);
  const size_t n = size * count;
  state.received += n;
  if (state.body.size() + n > state.settings->max_response_bytes) {
    state.too_large = true;
    return 0;  // aborts the transfer: the rest of the body is never read
  }
  state.body.append(data, n);
  return n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto& state = *static_cast<TransferState*>(user);
  if (state.settings->cancelled && state.settings->cancelled()) {
    state.cancelled = true;
    return 1;
  }
  return 0;
}

bool has_header(const HttpRequest& request, std::string_view name) {
  return std::any_of(request.headers.begin(), request.headers.end(),
                     [&](const auto& h) { return lower(h.first) == name; });
}

// Builds the header list; returns nullptr only if nothing needs sending or memory ran out.
curl_slist* build_headers(const HttpRequest& request, bool sends_body) {
  curl_slist* list = nullptr;
  const auto append = [&list](const std::string& line) {
    if (curl_slist* next = curl_slist_append(list, line.c_str())) list = next;
  };
  for (const auto& [name, value] : request.headers) {
    // Message framing follows from the body curl sends; a caller's own copy could contradict it and
    // desynchronise the connection, so it is left out.
    const std::string lowered = lower(name);
    if (lowered == "content-length" || lowered == "transfer-encoding") continue;
    // "Name;" is curl's syntax for a header with an empty value ("Name:" would remove the header).
    append(value.empty() ? name + ";" : name + ": " + value);
  }
  // curl would otherwise label every body as a form post.
  if (sends_body && !has_header(request, "content-type")) append("Content-Type:");
  // No waiting for "100 Continue": most servers never send it and curl would stall a second for it.
  if (!has_header(request, "expect")) append("Expect:");
  return list;
}

HttpError classify(CURLcode rc, const TransferState& state, const char* detail) {
  std::string message = curl_easy_strerror(rc);
  if (detail && *detail) message += std::string(": ") + detail;
  if (state.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
    return {
        "too_large",
        "the response exceeds the limit of " + std::to_string(state.settings->max_response_bytes) + " bytes",
        false};
  }
  if (state.cancelled) return {"cancelled", "the request was cancelled", false};
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
      return {"timeout", message, true};
    case CURLE_COULDNT_CONNECT:
      return {"connect_failed", message, true};
    // Resolver failures in containers are often transient (a DNS server restarting).
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return {"dns_failed", message, true};
    case CURLE_URL_MALFORMAT:
      return {"invalid_request", message, false};
    // The connection broke after it was made: a reset, a close before or during the response.
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return {"transfer_failed", message, true};
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
      return {"tls_failed", message, false};
    default:
      return {"transfer_failed", message, false};
  }
}

}  // namespace

void ensure_curl_initialized() {
  // A function-local static runs curl_global_init once even when many threads arrive together.
  static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (rc != CURLE_OK)
    throw std::runtime_error(std::string("curl_global_init failed: ") + curl_easy_strerror(rc));
}

TransferResult perform_transfer(const HttpRequest& request, const TransferSettings& settings) {
  ensure_curl_initialized();
  TransferResult result;
  TransferState state;
  state.settings = &settings;
  state.head = request.method == "HEAD";

  const bool sends_body = !state.head && (!request.body.empty() || request.method == "POST" ||
                                          request.method == "PUT" || request.method == "PATCH");
  // Declared before the handle so that they outlive it.
  char errbuf[CURL_ERROR_SIZE] = {};
  std::unique_ptr<curl_slist, SlistDeleter> header_list(build_headers(request, sends_body));
  ConnectGuard guard;
  std::unique_ptr<curl_slist, SlistDeleter> resolve_list;
  if (settings.address_policy) {
    // Resolved again for every attempt: an answer checked for an earlier attempt may no longer hold.
    auto target = resolve_and_check(request.url, *settings.address_policy);
    if (auto* error = std::get_if<HttpError>(&target)) {
      result.error = std::move(*error);
      return result;
    }
    auto& checked = std::get<GuardedTarget>(target);
    guard.policy = settings.address_policy;
    guard.host = checked.host;
    if (checked.resolve) {
      resolve_list.reset(curl_slist_append(nullptr, checked.resolve->c_str()));
      if (!resolve_list) {
        result.error = HttpError{"transfer_failed", "out of memory", false};
        return result;
      }
    }
  }
  std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
  if (!easy) {
    result.error = HttpError{"transfer_failed", "curl_easy_init failed", true};
    return result;
  }
  CURL* c = easy.get();

  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500  // 7.85: the string forms; the bitmask forms are deprecated there
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt(c, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  // Redirects are returned to the caller, not followed: a redirect may point at internal addresses. A
  // caller that follows one sends a new request, which its address policy checks like the first.
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM, required with threads
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min(max_connect_timeout, request.timeout).count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_USERAGENT, settings.user_agent.c_str());
  curl_easy_setopt(c, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);  // a proxy's CONNECT reply is not the response
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &state);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &state);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &state);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  if (settings.address_policy) install_guard(c, guard, resolve_list.get());

  if (state.head) {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (sends_body) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    if (request.method != "POST") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  } else if (request.method == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  const CURLcode rc = curl_easy_perform(c);
  result.body_bytes = state.received;
  if (rc != CURLE_OK) {
    // A refused connect surfaces as CURLE_COULDNT_CONNECT; the guard knows the real reason.
    if (guard.refusal && !state.cancelled) {
      result.error = HttpError{"address_refused", *guard.refusal, false};
      return result;
    }
    result.error = classify(rc, state, errbuf);
    return result;
  }
  HttpResponse response;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  response.headers = std::move(state.headers);
  response.body = std::move(state.body);
  result.response = std::move(response);
  return result;
}

}  // namespace scratch::net
