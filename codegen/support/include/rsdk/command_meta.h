/* rsdk/command_meta.h — the command metadata that every generated module
 * publishes (rcore_commands[], rcore_commands_count).
 *
 * One entry per generated command: name, arity, flags, ACL categories, key
 * positions (key_specs), command tips, since-version, group, the reply kind of
 * the typed call and the whole argument tree. The tables are static constant
 * data; reading them is thread-safe.
 *
 * The flag lists below are the single source for both the generator (which
 * rejects unknown flags in a spec) and the generated tables. Append only. */
#ifndef RSDK_COMMAND_META_H
#define RSDK_COMMAND_META_H

#include "rsdk/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* X(NAME, bit). Command flags as Redis spells them (modules use lower case;
 * they map to the same bits). DEPRECATED and SYSCMD come from doc_flags. */
#define RSDK_CMD_FLAG_MAP(X)        \
    X(WRITE, 0)                     \
    X(READONLY, 1)                  \
    X(DENYOOM, 2)                   \
    X(ADMIN, 3)                     \
    X(PUBSUB, 4)                    \
    X(NOSCRIPT, 5)                  \
    X(BLOCKING, 6)                  \
    X(LOADING, 7)                   \
    X(STALE, 8)                     \
    X(SKIP_MONITOR, 9)              \
    X(SKIP_SLOWLOG, 10)             \
    X(ASKING, 11)                   \
    X(FAST, 12)                     \
    X(NO_AUTH, 13)                  \
    X(MAY_REPLICATE, 14)            \
    X(SENTINEL, 15)                 \
    X(ONLY_SENTINEL, 16)            \
    X(NO_MANDATORY_KEYS, 17)        \
    X(PROTECTED, 18)                \
    X(NO_ASYNC_LOADING, 19)         \
    X(NO_MULTI, 20)                 \
    X(ALLOW_BUSY, 21)               \
    X(TOUCHES_ARBITRARY_KEYS, 22)   \
    X(EXPERIMENTAL, 23)             \
    X(SCRIPT_RUNNER, 24)            \
    X(MODULE, 25)                   \
    X(DEPRECATED, 32)               \
    X(SYSCMD, 33)                   \
    X(GETKEYS_FUNCTION, 34)

#define RSDK__CMDF(name, bit) RSDK_CMD_BIT_##name = (bit),
enum { RSDK_CMD_FLAG_MAP(RSDK__CMDF) RSDK_CMD_BIT__END };
#undef RSDK__CMDF

/* The mask of one command flag: meta->flags & RSDK_CMD(READONLY). (A macro,
 * not enum constants: some bits lie beyond the range of int.) */
#define RSDK_CMD(name) ((uint64_t)1 << RSDK_CMD_BIT_##name)

/* X(NAME, bit). Key-spec flags: access type (RO, RW, OW, RM), logical
 * operation (ACCESS, INSERT, UPDATE, DELETE) and the rest. */
#define RSDK_KEY_FLAG_MAP(X) \
    X(RO, 0)                 \
    X(RW, 1)                 \
    X(OW, 2)                 \
    X(RM, 3)                 \
    X(ACCESS, 4)             \
    X(UPDATE, 5)             \
    X(INSERT, 6)             \
    X(DELETE, 7)             \
    X(NOT_KEY, 8)            \
    X(INCOMPLETE, 9)         \
    X(VARIABLE_FLAGS, 10)

#define RSDK__KEYF(name, bit) RSDK_KEY_##name = 1u << (bit),
enum { RSDK_KEY_FLAG_MAP(RSDK__KEYF) RSDK_KEY__FLAG_END = 0 };
#undef RSDK__KEYF

/* Argument types of the command-JSON grammar. */
typedef enum rsdk_arg_type {
    RSDK_ARG_KEY = 1,
    RSDK_ARG_STRING,
    RSDK_ARG_PATTERN,
    RSDK_ARG_INTEGER,
    RSDK_ARG_DOUBLE,
    RSDK_ARG_UNIX_TIME,
    RSDK_ARG_PURE_TOKEN,
    RSDK_ARG_ONEOF,
    RSDK_ARG_BLOCK,
} rsdk_arg_type;

/* Argument flags. RSDK_ARGF_COUNT marks an integer the typed call fills in
 * itself (numkeys: the length of a sibling array), so it is no parameter. */
enum {
    RSDK_ARGF_OPTIONAL = 1u << 0,
    RSDK_ARGF_MULTIPLE = 1u << 1,
    RSDK_ARGF_MULTIPLE_TOKEN = 1u << 2,
    RSDK_ARGF_DEPRECATED = 1u << 3,
    RSDK_ARGF_COUNT = 1u << 4,
};

/* One node of the argument tree. Strings are NULL when absent. */
typedef struct rsdk_arg_meta {
    const char *name;             /* spec name, lower case ("ifeq-value") */
    const char *display;          /* name for usage text, or NULL */
    const char *token;            /* literal sent before the value, or NULL */
    const char *since;            /* version that added it, or NULL */
    rsdk_arg_type type;
    unsigned flags;               /* RSDK_ARGF_* */
    int key_spec_index;           /* index into key_specs, or -1 */
    size_t nchildren;             /* ONEOF and BLOCK */
    const struct rsdk_arg_meta *children;
} rsdk_arg_meta;

typedef enum rsdk_key_begin {
    RSDK_KEY_BEGIN_UNKNOWN = 0,
    RSDK_KEY_BEGIN_INDEX,   /* first key at argv[index] */
    RSDK_KEY_BEGIN_KEYWORD, /* keys follow `keyword`, searched from startfrom */
} rsdk_key_begin;

typedef enum rsdk_key_find {
    RSDK_KEY_FIND_UNKNOWN = 0,
    RSDK_KEY_FIND_RANGE,  /* lastkey, step, limit */
    RSDK_KEY_FIND_KEYNUM, /* keynumidx, firstkey, step */
} rsdk_key_find;

/* Where keys sit in argv (argv[0] is the command name). See the Redis
 * key-specs documentation for the exact rules; negative values count from
 * the end. */
typedef struct rsdk_key_spec_meta {
    unsigned flags; /* RSDK_KEY_* */
    rsdk_key_begin begin;
    int index;           /* BEGIN_INDEX */
    const char *keyword; /* BEGIN_KEYWORD */
    int startfrom;       /* BEGIN_KEYWORD */
    rsdk_key_find find;
    int lastkey, step, limit;     /* FIND_RANGE (step also FIND_KEYNUM) */
    int keynumidx, firstkey;      /* FIND_KEYNUM */
} rsdk_key_spec_meta;

/* The C result of a command's typed call (its out-parameter). */
typedef enum rsdk_result_kind {
    RSDK_RESULT_STATUS = 1,    /* fixed status such as OK: no out-parameter */
    RSDK_RESULT_INT,           /* int64_t */
    RSDK_RESULT_INT_OR_NIL,    /* rsdk_int_or_nil */
    RSDK_RESULT_BOOL,          /* bool */
    RSDK_RESULT_DOUBLE,        /* double */
    RSDK_RESULT_DOUBLE_OR_NIL, /* rsdk_double_or_nil */
    RSDK_RESULT_STRING,        /* rsdk_string (may be nil) */
    RSDK_RESULT_REPLY,         /* rsdk_reply tree */
    RSDK_RESULT_STRINGS,       /* rsdk_strings view (rsdk/typed.h) */
    RSDK_RESULT_PAIRS,         /* rsdk_pairs view */
    RSDK_RESULT_SCORED,        /* rsdk_scored view */
    RSDK_RESULT_INTS,          /* rsdk_ints view */
    RSDK_RESULT_DOUBLES,       /* rsdk_doubles view */
    RSDK_RESULT_BOOLS,         /* rsdk_bools view */
    RSDK_RESULT_SCAN_PAGE,     /* rsdk_scan_page view */
    RSDK_RESULT_RANK,          /* rsdk_rank (ZRANK with or without WITHSCORE) */
    RSDK_RESULT_INT_OR_DOUBLE, /* rsdk_int_or_double (ZADD: a count, or the INCR score) */
    RSDK_RESULT_STREAM_ENTRIES,/* rsdk_stream_entries view */
    RSDK_RESULT_STREAMS,       /* rsdk_streams view (stream -> entries) */
    RSDK_RESULT_GEO,           /* rsdk_geo view */
    RSDK_RESULT_PENDING,       /* rsdk_pending view (XPENDING) */
    RSDK_RESULT_MODULE,        /* a type of the module's own (rsdk/<module>_types.h: TS samples, ...) */
} rsdk_result_kind;

typedef struct rsdk_command_meta {
    const char *name;             /* full name, "CLIENT LIST" */
    const char *function;         /* C name of the typed call, "rcore_client_list" */
    const char *group;            /* "string", "server", ... */
    const char *since;            /* "1.0.0" */
    const char *deprecated_since; /* or NULL */
    const char *complexity;       /* or NULL */
    int arity;                    /* Redis arity (negative: at least); 0 unknown */
    uint64_t flags;               /* RSDK_CMD(...) bits */
    size_t nacl;
    const char *const *acl_categories; /* as listed in the spec, upper case */
    size_t ntips;
    const char *const *tips;      /* as in the spec: "NONDETERMINISTIC_OUTPUT_ORDER", ... */
    size_t nkey_specs;
    const rsdk_key_spec_meta *key_specs;
    size_t nargs;
    const rsdk_arg_meta *args;    /* after the command (and subcommand) words */
    rsdk_result_kind result;
} rsdk_command_meta;

/* Name of a command flag bit ("WRITE"), or NULL for an unknown bit. */
RSDK_API const char *rsdk_cmd_flag_name(uint64_t bit);

/* Name of a key-spec flag bit ("RW"), or NULL for an unknown bit. */
RSDK_API const char *rsdk_key_flag_name(unsigned bit);

/* Spec spelling of an argument type ("pure-token"), or "?" */
RSDK_API const char *rsdk_arg_type_name(rsdk_arg_type t);

/* Linear search by full name, case-insensitive ("client list"). NULL when
 * absent. */
RSDK_API const rsdk_command_meta *rsdk_command_find(const rsdk_command_meta *table, size_t n,
                                                    const char *name);

#ifdef __cplusplus
}
#endif
#endif
