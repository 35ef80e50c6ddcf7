#include "agent/chat_client.hpp"

namespace scratch::agent {

using nlohmann::json;

long long estimate_tokens(const std::string& text) {
  return static_cast<long long>((text.size() + 3) / 4);
}

ChatReply ChatClient::complete(const ChatEndpoint& endpoint, const json& request,
                               const std::function<bool()>& cancelled) const {
  net::HttpRequest http_request;
  http_request.method = "POST";
  std::string base = endpoint.base_url;
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  http_request.url = base + "/chat/completions";
  http_request.body = request.dump(-1, ' ', false, json::error_handler_t::replace);
  http_request.timeout = std::chrono::milliseconds(120000);  // models think slowly
  http_request.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
  if (!endpoint.api_key.empty())
    http_request.headers.emplace_back("Authorization", "Bearer " + endpoint.api_key);
  http_request.headers.emplace_back("X-Title", "Scratch");
  net::CallContext context;
  context.log_tag = "agent:model";
  context.cancelled = cancelled;
  context.address_policy = endpoint.policy;
  const auto outcome = http_.send(http_request, context);
  if (!outcome.response) {
    const auto& e = *outcome.error;
    if (e.code == "cancelled") throw ChatError("cancelled", "the run was cancelled");
    throw ChatError("model_unreachable",
                    "the model endpoint could not be reached (" + e.code + "): " + e.message);
  }
  const auto& r = *outcome.response;
  const json body = json::parse(r.body, nullptr, false);
  if (r.status >= 400) {
    std::string message = "HTTP " + std::to_string(r.status);
    if (body.is_object() && body.contains("error")) {
      const auto& err = body["error"];
      if (err.is_object() && err.contains("message") && err["message"].is_string())
        message += ": " + err["message"].get<std::string>();
      else if (err.is_string())
        message += ": " + err.get<std::string>();
    }
    throw ChatError("model_error", "the model endpoint answered " + message, r.status);
  }
  if (!body.is_object() || !body.contains("choices") || !body["choices"].is_array() ||
      body["choices"].empty() || !body["choices"][0].is_object() || !body["choices"][0].contains("message") ||
      !body["choices"][0]["message"].is_object())
    throw ChatError("model_bad_reply", "the model endpoint's answer has no choices[0].message");
  ChatReply reply;
  reply.message = body["choices"][0]["message"];
  reply.finish_reason = body["choices"][0].value("finish_reason", json()).is_string()
                            ? body["choices"][0]["finish_reason"].get<std::string>()
                            : "";
  if (body.contains("usage") && body["usage"].is_object()) {
    const auto& u = body["usage"];
    // Some providers send nulls here; a missing count is zero, never a failed run.
    const auto count = [&u](const char* key) {
      return u.contains(key) && u[key].is_number() ? u[key].get<long long>() : 0LL;
    };
    reply.prompt_tokens = count("prompt_tokens");
    reply.completion_tokens = count("completion_tokens");
  }
  return reply;
}

}  // namespace scratch::agent
