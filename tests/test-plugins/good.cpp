// test-good: the well-behaved test plugin (see ItemsConnector for its exact answers). Its check also logs
// one line through the host, "test-good check", so a test can see host->log arrive.
// Built twice: the copy in duplicate/ gets another TEST_GOOD_VERSION, so a test can tell which one won.
#include "test_plugin_support.hpp"

#ifndef TEST_GOOD_VERSION
#define TEST_GOOD_VERSION "1.0.0"
#endif

namespace {

class GoodConnector : public test_plugins::ItemsConnector {
 public:
  json check(Host& host, const Call& call) override {
    host.info("test-good check");
    return ItemsConnector::check(host, call);
  }
};

}  // namespace

SCRATCH_EXPORT_CONNECTOR(GoodConnector, "test-good", TEST_GOOD_VERSION, TEST_PLUGIN_SPEC("Test good"))
