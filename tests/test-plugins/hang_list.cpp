// test-hang: list_tables never returns and never looks at host->cancelled, so only the runner's deadline
// (kill and restart) can end the call. The other functions behave.
#include <chrono>
#include <thread>

#include "test_plugin_support.hpp"

namespace {

class HangListConnector : public test_plugins::ItemsConnector {
 public:
  json list_tables(Host&, const Call&) override {
    for (;;)
      std::this_thread::sleep_for(std::chrono::hours(1));
  }
};

}  // namespace

SCRATCH_EXPORT_CONNECTOR(HangListConnector, "test-hang", "1.0.0", TEST_PLUGIN_SPEC("Test hang"))
