// no_entry: a valid shared library that exports no scratch_plugin_entry, like a stray dependency left in the
// plugin folder. The host must skip it with a message naming the missing symbol.
extern "C" __attribute__((visibility("default"))) int not_a_scratch_plugin() {
  return 42;
}
