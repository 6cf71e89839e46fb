/* Which commands are not sent (and why), which need a connection of their
 * own or a fresh one afterwards, and the fixtures every command finds. */
#include <string.h>
#include <strings.h>

#include "minimal.h"

const mc_deny mc_deny_list[] = {
    {"SHUTDOWN", "stops the server the rest of the suite runs against"},
    {"SYNC", "turns the connection into a replication stream (an RDB payload without a "
             "closing CRLF follows), which is no command reply"},
    {"PSYNC", "turns the connection into a replication stream (+FULLRESYNC, then an RDB "
              "payload), which is no command reply"},
};
const size_t mc_deny_count = sizeof mc_deny_list / sizeof mc_deny_list[0];

const char *mc_denied(const char *name) {
    for (size_t i = 0; i < mc_deny_count; i++)
        if (strcasecmp(mc_deny_list[i].name, name) == 0) return mc_deny_list[i].reason;
    return NULL;
}

static const struct {
    const char *name;
    unsigned flags;
} FLAGS[] = {
    /* the connection stays in MULTI, closes, or is reset to RESP2 */
    {"MULTI", MC_RECONNECT_AFTER},
    {"QUIT", MC_RECONNECT_AFTER},
    {"RESET", MC_RECONNECT_AFTER},
    /* subscriber and monitor mode: later replies would be messages */
    {"SUBSCRIBE", MC_DEDICATED},
    {"PSUBSCRIBE", MC_DEDICATED},
    {"SSUBSCRIBE", MC_DEDICATED},
    {"UNSUBSCRIBE", MC_DEDICATED},
    {"PUNSUBSCRIBE", MC_DEDICATED},
    {"SUNSUBSCRIBE", MC_DEDICATED},
    {"MONITOR", MC_DEDICATED},
};

unsigned mc_flags(const char *name) {
    for (size_t i = 0; i < sizeof FLAGS / sizeof FLAGS[0]; i++)
        if (strcasecmp(FLAGS[i].name, name) == 0) return FLAGS[i].flags;
    return 0;
}

/* Cluster-group commands a server answers without cluster mode, where
 * Redis refuses them with "cluster support disabled". */
#define VALKEY_READONLY                                                                     \
    "Valkey accepts READONLY/READWRITE without cluster mode since its standalone replicas " \
    "redirect (8.0, CLIENT CAPA REDIRECT; valkey-io/valkey#1348)"
static const mc_standalone STANDALONE[] = {
    {"READONLY", "valkey", "8.0.0", VALKEY_READONLY},
    {"READWRITE", "valkey", "8.0.0", VALKEY_READONLY},
    {"CLUSTER KEYSLOT", "valkey", "9.1.0",
     "Valkey 9.1 computes the hash slot without cluster mode (valkey-io/valkey#3040)"},
};

const mc_standalone *mc_answers_standalone(const char *name, const char *family, const char *version) {
    for (size_t i = 0; i < sizeof STANDALONE / sizeof STANDALONE[0]; i++)
        if (strcasecmp(STANDALONE[i].name, name) == 0 && strcmp(STANDALONE[i].family, family) == 0 &&
            mc_version_cmp(version, STANDALONE[i].since) >= 0)
            return &STANDALONE[i];
    return NULL;
}

static const mc_older OLDER[] = {
    {"COMMAND GETKEYS", "7.2.0",
     "arity -4 before redis/redis#11201 made the command's arguments optional (arity -3)"},
    {"COMMAND GETKEYSANDFLAGS", "7.2.0",
     "arity -4 before redis/redis#11201 made the command's arguments optional (arity -3)"},
};

const mc_older *mc_older_server(const char *name, const char *server_version) {
    for (size_t i = 0; i < sizeof OLDER / sizeof OLDER[0]; i++)
        if (strcasecmp(OLDER[i].name, name) == 0 && mc_version_cmp(server_version, OLDER[i].fixed_in) < 0)
            return &OLDER[i];
    return NULL;
}

#define CMD(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Numbers where a command may need one (INCR on the string, SORT on the
 * list), the stream's group "x" with consumer "x" holding entry 1-1
 * pending, and a function library "mclib" with a read-only function. */
const char *const *const mc_fixtures[] = {
    CMD("FLUSHALL", "SYNC"),
    CMD("SET", MC_KEY_STRING, "1"),
    CMD("RPUSH", MC_KEY_LIST, "1", "2"),
    CMD("HSET", MC_KEY_HASH, "x", "1"),
    CMD("SADD", MC_KEY_SET, "1", "2"),
    CMD("ZADD", MC_KEY_ZSET, "1", "x"),
    CMD("XADD", MC_KEY_STREAM, "1-1", "x", "1"),
    CMD("XGROUP", "CREATE", MC_KEY_STREAM, "x", "0"),
    CMD("XREADGROUP", "GROUP", "x", "x", "STREAMS", MC_KEY_STREAM, ">"),
    CMD("GEOADD", MC_KEY_GEO, "1", "1", "x"),
    CMD("PFADD", MC_KEY_HLL, "x"),
    CMD("SCRIPT", "LOAD", MC_SCRIPT),
    CMD("FUNCTION", "FLUSH", "SYNC"),
    CMD("FUNCTION", "LOAD",
        "#!lua name=mclib\n"
        "redis.register_function{function_name='mcf', callback=function() return 1 end, "
        "flags={'no-writes'}}"),
    NULL,
};
