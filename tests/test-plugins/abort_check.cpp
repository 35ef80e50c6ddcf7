// test-abort: check calls std::abort() (SIGABRT), the way a failed assert or std::terminate ends a plugin.
// The other functions behave.
#include <cstdlib>

#include "test_plugin_support.hpp"

namespace {

class AbortCheckConnector : public test_plugins::ItemsConnector {
 public:
  json check(Host&, const Call&) override { std::abort(); }
};

}  // namespace

SCRATCH_EXPORT_CONNECTOR(AbortCheckConnector, "test-abort", "1.0.0", TEST_PLUGIN_SPEC("Test abort"))
