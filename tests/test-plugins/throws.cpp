// test-throws: every contract function throws a std::runtime_error. The SDK's exception barrier must turn
// each into an error object {"code":"plugin_error","message":"test-throws: <function> threw on purpose"};
// nothing may escape into the host.
#include <stdexcept>

#include "test_plugin_support.hpp"

namespace {

class ThrowsConnector : public test_plugins::ItemsConnector {
 public:
  json check(Host&, const Call&) override { throw std::runtime_error("test-throws: check threw on purpose"); }
  json list_tables(Host&, const Call&) override {
    throw std::runtime_error("test-throws: list_tables threw on purpose");
  }
  json read(Host&, const Call&) override { throw std::runtime_error("test-throws: read threw on purpose"); }
  json write(Host&, const Call&) override { throw std::runtime_error("test-throws: write threw on purpose"); }
};

}  // namespace

SCRATCH_EXPORT_CONNECTOR(ThrowsConnector, "test-throws", "1.0.0", TEST_PLUGIN_SPEC("Test throws"))
