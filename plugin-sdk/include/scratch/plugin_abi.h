/* Scratch connector plugin ABI: the C boundary between scratchd and a connector shared library.
 *
 * This header is a promise to third-party plugin authors. Only C types cross it, so a plugin built with
 * another compiler (or written in another language with a C ABI) loads safely. Every value that crosses
 * is a NUL-terminated UTF-8 JSON text; the JSON shapes are documented in plugin-sdk/README.md.
 *
 * Versioning rule (read before changing anything here):
 *   - SCRATCH_PLUGIN_ABI_VERSION is a major version. It changes only when an existing field changes
 *     meaning, type or position. The host loads a plugin only when the plugin's version equals its own,
 *     and says both numbers when it refuses.
 *   - Every struct starts with its own size. New fields are only ever APPENDED, each with a comment naming
 *     the SDK release that added it. A reader uses a field only if it lies within the struct_size the
 *     writer declared; a plugin must not call a host function that lies beyond the host's struct_size.
 *
 * Ownership rule: strings passed IN to a function are owned by the caller and valid only during the
 * call. Strings passed OUT are allocated by the callee and released by the caller with the callee's
 * free_string (plugin results: ScratchConnectorApi.free_string; host results: ScratchHost.free_string).
 *
 * Errors: no C++ exception, panic or longjmp may cross this boundary. Functions return SCRATCH_OK or
 * SCRATCH_ERROR; with SCRATCH_ERROR, *out is {"code": "...", "message": "...", "retryable": bool}.
 */
#ifndef SCRATCH_PLUGIN_ABI_H
#define SCRATCH_PLUGIN_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SCRATCH_PLUGIN_ABI_VERSION 1u

/* The single symbol a plugin exports (see ScratchPluginEntryFn). */
#define SCRATCH_PLUGIN_ENTRY_SYMBOL "scratch_plugin_entry"

#define SCRATCH_OK 0
#define SCRATCH_ERROR 1

#define SCRATCH_LOG_DEBUG 0
#define SCRATCH_LOG_INFO 1
#define SCRATCH_LOG_WARN 2
#define SCRATCH_LOG_ERROR 3

/* Services the host lends a plugin for the duration of one contract call. Since ABI 1. */
typedef struct ScratchHost {
  uint32_t struct_size; /* sizeof(ScratchHost) as the host compiled it */
  uint32_t abi_version; /* the host's SCRATCH_PLUGIN_ABI_VERSION */
  void* context;        /* opaque; pass it back to every function below */

  /* Outbound HTTP through the host's client, which applies timeouts, retries with backoff (honouring
   * Retry-After on 429/503), the account's rate limit, a response size cap and request logging.
   * request_json: {"method":"GET","url":"https://...","headers":{"name":"value"},"body":"...",
   *                "timeout_ms":30000}
   *   and since SDK 1.1, optionally: "requests_per_second": n (this account's rate from now on, in place of
   *   the spec's) and "retry_after_429_ms": n (the wait after a 429 without Retry-After).
   * On SCRATCH_OK, *response_json is {"status":200,"headers":{...},"body":"..."} for any HTTP status.
   * On SCRATCH_ERROR (no response: DNS, connect, timeout, size cap, cancelled), it is an error object.
   * Either way *response_json is owned by the host: release it with free_string. */
  int (*http)(void* context, const char* request_json, char** response_json);

  /* A log line, tagged by the host with the plugin's name. Never log credentials. */
  void (*log)(void* context, int level, const char* message);

  /* Nonzero when the host wants this call to stop soon: return an error with code "cancelled". */
  int (*cancelled)(void* context);

  /* Releases a string the host returned. */
  void (*free_string)(void* context, char* text);
} ScratchHost;

/* The connector contract. Each function receives call_json:
 *   {"config":{...}, "credentials":{...}, "context":{"account_id":"...","files_dir":"..."},
 *    "request":{...}}
 * and on return sets *out to a JSON text allocated by the plugin (released with free_string).
 * Functions may be called concurrently from several threads. Since ABI 1. */
typedef struct ScratchConnectorApi {
  uint32_t struct_size; /* sizeof(ScratchConnectorApi) as the plugin compiled it */
  /* Can we reach the source with this config and these credentials? -> {"ok":true,"message":"..."} */
  int (*check)(const ScratchHost* host, const char* call_json, char** out);
  /* -> {"tables":[{"id","name","primary_key":[...],"read_only":bool,"fields":[{"id","name","type",
   *     "read_only":bool,"options":[...]}]}]} */
  int (*list_tables)(const ScratchHost* host, const char* call_json, char** out);
  /* request {"table","cursor":string|null,"page_size":int}
   * -> {"records":[{"id","fields":{...},"updated_at":string|null}],"next_cursor":string|null} */
  int (*read)(const ScratchHost* host, const char* call_json, char** out);
  /* request {"table","ops":[{"op":"create"|"update"|"delete","ref","id","fields":{...}}]}
   * -> {"results":[{"ref","ok":true,"id","fields":{...}} | {"ref","ok":false,"error":{...}}]},
   *    one result per op, in order */
  int (*write)(const ScratchHost* host, const char* call_json, char** out);
  /* Releases a string this plugin returned. */
  void (*free_string)(char* text);
} ScratchConnectorApi;

/* What a plugin is. Points to static data that lives as long as the library is loaded. Since ABI 1. */
typedef struct ScratchPluginDescriptor {
  uint32_t struct_size;  /* sizeof(ScratchPluginDescriptor) as the plugin compiled it */
  uint32_t abi_version;  /* SCRATCH_PLUGIN_ABI_VERSION the plugin was built against */
  const char* name;      /* connector type, unique on a server: [a-z][a-z0-9_-]{0,63} */
  const char* version;   /* the plugin's own version, e.g. "1.2.0" */
  const char* spec_json; /* the connector's spec (see README: name, capabilities, limits, schemas) */
  const ScratchConnectorApi* api;
} ScratchPluginDescriptor;

/* The entry point, exported with C linkage under SCRATCH_PLUGIN_ENTRY_SYMBOL. host_abi_version lets a
 * plugin refuse (return NULL) or adapt. Must be cheap and must not call back into the host. */
typedef const ScratchPluginDescriptor* (*ScratchPluginEntryFn)(uint32_t host_abi_version);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SCRATCH_PLUGIN_ABI_H */
