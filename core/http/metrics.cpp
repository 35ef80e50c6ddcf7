#include "http/metrics.hpp"

#include <fmt/format.h>

namespace scratch::http {

std::string prometheus_label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

void Metrics::observe_request(const std::string& method, const std::string& route, int status,
                              double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{method, route, status}];
  auto& h = latency_[{method, route}];
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::add_collector(std::function<std::string()> collector) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collector));
}

std::string Metrics::render() const {
  std::string out;
  std::vector<std::function<std::string()>> collectors;
  {
    std::lock_guard lock(mutex_);
    out +=
        "# HELP scratch_http_requests_total HTTP requests answered, by method, route template and status.\n";
    out += "# TYPE scratch_http_requests_total counter\n";
    for (const auto& [key, count] : requests_) {
      const auto& [method, route, status] = key;
      out += fmt::format("scratch_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}\n",
                         prometheus_label(method), prometheus_label(route), status, count);
    }
    out += "# HELP scratch_http_request_duration_seconds Time from request parsed to response written.\n";
    out += "# TYPE scratch_http_request_duration_seconds histogram\n";
    for (const auto& [key, h] : latency_) {
      const std::string labels = fmt::format("method=\"{}\",route=\"{}\"", prometheus_label(key.first),
                                             prometheus_label(key.second));
      for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        out += fmt::format("scratch_http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", labels,
                           kBuckets[i], h.buckets[i]);
      }
      out +=
          fmt::format("scratch_http_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", labels, h.count);
      out += fmt::format("scratch_http_request_duration_seconds_sum{{{}}} {}\n", labels, h.sum);
      out += fmt::format("scratch_http_request_duration_seconds_count{{{}}} {}\n", labels, h.count);
    }
    collectors = collectors_;
  }
  for (const auto& collect : collectors)
    out += collect();
  return out;
}

}  // namespace scratch::http
