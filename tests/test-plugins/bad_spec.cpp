// test-bad-spec: everything is fine except that its spec_json is not JSON at all; the host must refuse the
// plugin at load time and say why, before any contract call.
#include "test_plugin_support.hpp"

namespace {

class BadSpecConnector : public test_plugins::ItemsConnector {};

}  // namespace

SCRATCH_EXPORT_CONNECTOR(BadSpecConnector, "test-bad-spec", "1.0.0",
                         "{\"display_name\": \"Bad spec\", [not json")
