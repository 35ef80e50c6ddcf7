/* Scratch connector plugin ABI: the C boundary between scratchd and a connector .so.
 *
 * This header is the versioned promise to third-party plugin authors. Only C types cross it, so a plugin
 * built with another compiler (or another language with a C ABI) loads safely. The connector contract
 * itself (descriptor and function table) is added by the plugins issue; this file fixes the version rule.
 *
 * Versioning rule: SCRATCH_PLUGIN_ABI_VERSION changes only when an existing field changes meaning or
 * position. Additions go at the end of a struct whose first field is its own size, so an older host can
 * tell which fields a newer plugin filled in. The host rejects a plugin whose ABI version differs.
 */
#ifndef SCRATCH_PLUGIN_ABI_H
#define SCRATCH_PLUGIN_ABI_H

#define SCRATCH_PLUGIN_ABI_VERSION 1

#endif /* SCRATCH_PLUGIN_ABI_H */
