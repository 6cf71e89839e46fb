/* Names for the metadata flag bits and lookup in generated command tables. */
#include <strings.h>

#include "rsdk/command_meta.h"

const char *rsdk_cmd_flag_name(uint64_t bit) {
#define NAME(name, b) \
    if (bit == ((uint64_t)1 << (b))) return #name;
    RSDK_CMD_FLAG_MAP(NAME)
#undef NAME
    return NULL;
}

const char *rsdk_key_flag_name(unsigned bit) {
#define NAME(name, b) \
    if (bit == (1u << (b))) return #name;
    RSDK_KEY_FLAG_MAP(NAME)
#undef NAME
    return NULL;
}

const char *rsdk_arg_type_name(rsdk_arg_type t) {
    switch (t) {
    case RSDK_ARG_KEY: return "key";
    case RSDK_ARG_STRING: return "string";
    case RSDK_ARG_PATTERN: return "pattern";
    case RSDK_ARG_INTEGER: return "integer";
    case RSDK_ARG_DOUBLE: return "double";
    case RSDK_ARG_UNIX_TIME: return "unix-time";
    case RSDK_ARG_PURE_TOKEN: return "pure-token";
    case RSDK_ARG_ONEOF: return "oneof";
    case RSDK_ARG_BLOCK: return "block";
    }
    return "?";
}

const rsdk_command_meta *rsdk_command_find(const rsdk_command_meta *table, size_t n,
                                           const char *name) {
    if (table == NULL || name == NULL) return NULL;
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(table[i].name, name) == 0) return &table[i];
    return NULL;
}
