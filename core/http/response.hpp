// What a route handler returns.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "http/problem.hpp"
#include "http/stream_sink.hpp"

namespace scratch::http {

struct Response {
  int status = 200;
  std::string body{};
  std::string content_type = "application/json";
  HeaderList headers{};
  std::string file_path{};  // when set, the file's bytes are the body (streamed from disk, not loaded)
  StreamStart stream{};     // when set, a streaming response (SSE) handed to this callback

  static Response json(int status, const nlohmann::json& body) {
    return Response{status, body.dump(), "application/json", {}};
  }
  static Response no_content() { return Response{204, "", "", {}}; }
  static Response file(std::string path, std::string content_type) {
    Response r{200, "", std::move(content_type), {}};
    r.file_path = std::move(path);
    return r;
  }
  static Response event_stream(StreamStart start) {
    Response r{200, "", "text/event-stream", {}};
    r.stream = std::move(start);
    return r;
  }
  static Response text(int status, std::string body, std::string content_type) {
    return Response{status, std::move(body), std::move(content_type), {}};
  }
};

}  // namespace scratch::http
