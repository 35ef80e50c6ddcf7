// A client for OpenAI-compatible chat completions (OpenRouter, OpenAI, local model servers): one
// non-streaming POST {base}/chat/completions through the host's HTTP client (its retries on 429/503 with
// Retry-After, its logging; the address guard for endpoints a user chose).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "net/address_policy.hpp"
#include "net/http_client.hpp"

namespace scratch::agent {

struct ChatEndpoint {
  std::string base_url;  // e.g. https://openrouter.ai/api/v1
  std::string api_key;
  const net::AddressPolicy* policy = nullptr;  // set for user-chosen endpoints
};

struct ChatReply {
  nlohmann::json message;  // {role: assistant, content, tool_calls?}
  std::string finish_reason;
  long long prompt_tokens = 0, completion_tokens = 0;
};

// code: model_unreachable | model_error (status >= 400) | model_bad_reply | cancelled.
struct ChatError : std::runtime_error {
  std::string code;
  long status = 0;
  ChatError(std::string c, const std::string& message, long s = 0)
      : std::runtime_error(message), code(std::move(c)), status(s) {}
};

class ChatClient {
 public:
  explicit ChatClient(const net::HttpClient& http) : http_(http) {}

  // request: {model, messages, tools?, ...}; throws ChatError.
  ChatReply complete(const ChatEndpoint& endpoint, const nlohmann::json& request,
                     const std::function<bool()>& cancelled) const;

 private:
  const net::HttpClient& http_;
};

// Rough token count of a text (4 characters a token), for budgets; the model's own usage is recorded.
long long estimate_tokens(const std::string& text);

}  // namespace scratch::agent
