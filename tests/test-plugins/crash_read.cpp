// test-crash: check, list_tables and write behave; read writes through a null pointer (SIGSEGV). The runner
// process dies; the host must fail that one call and keep serving.
#include "test_plugin_support.hpp"

namespace {

class CrashReadConnector : public test_plugins::ItemsConnector {
 public:
  json read(Host&, const Call&) override {
    // Both volatile: the compiler can neither see that the pointer is null (and emit a trap instead) nor drop
    // the store as dead, so this really is an invalid memory access.
    volatile int* volatile nowhere = nullptr;
    *nowhere = 1;
    return json::object();
  }
};

}  // namespace

SCRATCH_EXPORT_CONNECTOR(CrashReadConnector, "test-crash", "1.0.0", TEST_PLUGIN_SPEC("Test crash"))
