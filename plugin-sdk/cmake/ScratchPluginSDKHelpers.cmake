# scratch_add_connector(): builds a connector plugin the way the host expects to find it.
#
#   scratch_add_connector(<target> NAME <file-name> SOURCES <src>... [OUTPUT_DIRECTORY <dir>] [C])
#
# Produces <file-name>.so (no "lib" prefix; name it after the connector) as a MODULE library: a file meant to
# be dlopen'ed, never linked against. Symbols are hidden by default so the only export is
# scratch_plugin_entry (the SDK marks it visible), which keeps two plugins bundling different versions of a
# library from clashing. --no-undefined makes a missing library a link error instead of a load-time error on
# the server. Link further libraries with target_link_libraries(<target> PRIVATE ...) as usual.
# With C, the target links Scratch::PluginABI only (a plugin written in C against scratch/plugin_abi.h).
include_guard(GLOBAL)

function(scratch_add_connector target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "C" "NAME;OUTPUT_DIRECTORY" "SOURCES")
  if(NOT arg_NAME)
    message(FATAL_ERROR "scratch_add_connector(${target}): NAME is required")
  endif()
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "scratch_add_connector(${target}): SOURCES is required")
  endif()
  add_library(${target} MODULE ${arg_SOURCES})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME ${arg_NAME}
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(arg_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${arg_OUTPUT_DIRECTORY})
  endif()
  if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    target_link_options(${target} PRIVATE LINKER:--no-undefined)
  endif()
  if(arg_C)
    target_link_libraries(${target} PRIVATE Scratch::PluginABI)
  else()
    target_link_libraries(${target} PRIVATE Scratch::PluginSDK)
  endif()
endfunction()
