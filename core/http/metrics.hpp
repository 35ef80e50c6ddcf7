// Request counters and latency histograms, rendered in the Prometheus text exposition format.
// Other modules contribute their own lines (e.g. database pool use) through collectors.
#pragma once

#include <array>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace scratch::http {

class Metrics {
 public:
  static constexpr std::array<double, 11> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                      0.5,   1.0,  2.5,   5.0,  10.0};
  // route is the route template (bounded cardinality), or "unmatched".
  void observe_request(const std::string& method, const std::string& route, int status, double seconds);
  // A collector returns complete exposition lines (# HELP, # TYPE and samples).
  void add_collector(std::function<std::string()> collector);
  std::string render() const;

 private:
  struct Histogram {
    std::array<unsigned long long, kBuckets.size()> buckets{};
    unsigned long long count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, unsigned long long> requests_;
  std::map<std::pair<std::string, std::string>, Histogram> latency_;
  std::vector<std::function<std::string()>> collectors_;
};

// Escapes a label value for the exposition format.
std::string prometheus_label(const std::string& value);

}  // namespace scratch::http
