// entry_null: exports scratch_plugin_entry, but it refuses every host by returning NULL (what a plugin does
// when it cannot serve the host's ABI version). The host must skip it with a clear message.
#include <scratch/plugin.hpp>

extern "C" SCRATCH_PLUGIN_EXPORT const ScratchPluginDescriptor* scratch_plugin_entry(uint32_t) {
  return nullptr;
}
