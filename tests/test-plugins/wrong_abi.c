/* test-wrong-abi: a plugin that claims ABI version 999, so the host must refuse it and name both versions.
 * Written in plain C against plugin_abi.h alone, which also proves the ABI header compiles as C. */
#include <scratch/plugin_abi.h>
#include <stdlib.h>
#include <string.h>

static int refuse(const ScratchHost* host, const char* call_json, char** out) {
  static const char error[] = "{\"code\":\"plugin_error\",\"message\":\"never called\",\"retryable\":false}";
  (void)host;
  (void)call_json;
  *out = malloc(sizeof error);
  if (*out) memcpy(*out, error, sizeof error);
  return SCRATCH_ERROR;
}

static void free_string(char* text) {
  free(text);
}

static const ScratchConnectorApi api = {
    sizeof(ScratchConnectorApi), refuse, refuse, refuse, refuse, free_string};

static const ScratchPluginDescriptor descriptor = {
    sizeof(ScratchPluginDescriptor),
    999u, /* the point of this plugin: not SCRATCH_PLUGIN_ABI_VERSION */
    "test-wrong-abi",
    "1.0.0",
    "{\"display_name\":\"Wrong ABI\",\"capabilities\":[],\"limits\":{},\"config_schema\":{},"
    "\"credentials_schema\":{}}",
    &api};

__attribute__((visibility("default"))) const ScratchPluginDescriptor* scratch_plugin_entry(
    uint32_t host_abi_version) {
  (void)host_abi_version;
  return &descriptor;
}
