/* Value rules of the minimal command forms: a small override table for
 * arguments whose generic value the server would refuse for a reason other
 * than grammar (a stream ID, a lex range, a Lua script), then rules by type
 * and name. Overrides keep every command's minimal form as close to a
 * successful call as the fixtures allow; arguments not listed get the
 * generic value. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "minimal.h"
#include "rsdk/writer.h"

typedef struct mc_override {
    const char *cmd;   /* full name */
    const char *path;  /* argument path */
    const char *value; /* leaf value, or NULL */
    int choice;        /* oneof child index, or -1 */
} mc_override;

#define V(c, p, v) {c, p, v, -1}
#define CHOICE(c, p, i) {c, p, NULL, i}

static const mc_override OVERRIDES[] = {
    /* users, scripts and functions the fixtures create */
    V("ACL DRYRUN", "username", "default"),
    V("ACL DRYRUN", "command", "ping"),
    V("ACL GETUSER", "username", "default"),
    V("EVAL", "script", MC_SCRIPT),
    V("EVAL_RO", "script", MC_SCRIPT),
    V("EVALSHA", "sha1", MC_SCRIPT_SHA),
    V("EVALSHA_RO", "sha1", MC_SCRIPT_SHA),
    V("SCRIPT EXISTS", "sha1", MC_SCRIPT_SHA),
    V("SCRIPT LOAD", "script", MC_SCRIPT),
    V("FCALL", "function", "mcf"),
    V("FCALL_RO", "function", "mcf"),
    V("FUNCTION DELETE", "library-name", "mclib"),
    V("FUNCTION LOAD", "function-code",
      "#!lua name=mclib2\nredis.register_function('mcf2', function() return 2 end)"),
    /* server settings: a real parameter, set to its default */
    V("CONFIG GET", "parameter", "maxmemory"),
    V("CONFIG SET", "data.parameter", "lazyfree-lazy-user-del"),
    V("CONFIG SET", "data.value", "no"),
    V("LATENCY HISTORY", "event", "command"),
    V("LATENCY GRAPH", "event", "command"),
    V("PFDEBUG", "subcommand", "GETREG"),
    /* connection state: choices that leave the connection as it was */
    CHOICE("CLIENT TRACKING", "status", 1),  /* OFF */
    CHOICE("SCRIPT DEBUG", "mode", 2),       /* NO */
    CHOICE("REPLICAOF", "args", 1),          /* NO ONE */
    CHOICE("SLAVEOF", "args", 1),            /* NO ONE */
    V("SELECT", "index", "0"),
    V("SWAPDB", "index2", "0"),
    V("SWAPDB", "index1", "0"),
    /* a refused connection, never a DNS lookup */
    V("MIGRATE", "host", "127.0.0.1"),
    V("MIGRATE", "port", "1"),
    /* SORT needs numbers */
    V("SORT", "key", MC_KEY_LIST),
    V("SORT_RO", "key", MC_KEY_LIST),
    /* streams: IDs, ranges and the fixture's group "x" with consumer "x" */
    V("XACK", "id", "1-1"),
    V("XAUTOCLAIM", "min-idle-time", "0"),
    V("XAUTOCLAIM", "start", "0"),
    V("XCLAIM", "min-idle-time", "0"),
    V("XCLAIM", "id", "1-1"),
    V("XDEL", "id", "1-1"),
    V("XGROUP CREATE", "group", "x2"),
    V("XGROUP CREATE", "id-selector.id", "$"),
    V("XGROUP CREATECONSUMER", "consumer", "x2"),
    V("XGROUP SETID", "id-selector.id", "$"),
    V("XRANGE", "start", "-"),
    V("XRANGE", "end", "+"),
    V("XREVRANGE", "end", "+"),
    V("XREVRANGE", "start", "-"),
    V("XREAD", "streams.id", "0"),
    V("XREADGROUP", "streams.id", ">"),
    V("XSETID", "last-id", "1-1"),
    V("XTRIM", "trim.threshold", "1"),
    /* sorted sets: index and lex ranges */
    V("ZRANGE", "start", "0"),
    V("ZRANGE", "stop", "-1"),
    V("ZRANGESTORE", "min", "0"),
    V("ZRANGESTORE", "max", "-1"),
    V("ZRANGEBYLEX", "min", "-"),
    V("ZRANGEBYLEX", "max", "+"),
    V("ZLEXCOUNT", "min", "-"),
    V("ZLEXCOUNT", "max", "+"),
    V("ZREMRANGEBYLEX", "min", "-"),
    V("ZREMRANGEBYLEX", "max", "+"),
    V("ZREVRANGEBYLEX", "max", "+"),
    V("ZREVRANGEBYLEX", "min", "-"),
    /* modules. JSON: values are JSON text, paths JSONPath; the fixture
     * document is {"s":"x","n":1,"a":[1],"o":{"k":1},"b":true} */
    V("JSON.SET", "path", "$"),
    V("JSON.SET", "value", "{\"s\":\"x\",\"n\":1,\"a\":[1],\"o\":{\"k\":1},\"b\":true}"),
    V("JSON.MSET", "triplet.path", "$"),
    V("JSON.MSET", "triplet.value", "{\"s\":\"x\",\"n\":1,\"a\":[1],\"o\":{\"k\":1},\"b\":true}"),
    V("JSON.MERGE", "path", "$"),
    V("JSON.MERGE", "value", "{\"m\":1}"),
    V("JSON.MGET", "path", "$"),
    V("JSON.NUMINCRBY", "path", "$.n"),
    V("JSON.NUMMULTBY", "path", "$.n"),
    V("JSON.STRAPPEND", "value", "\"y\""),
    V("JSON.TOGGLE", "path", "$.b"),
    V("JSON.ARRAPPEND", "path", "$.a"),
    V("JSON.ARRAPPEND", "value", "1"),
    V("JSON.ARRINDEX", "value", "1"),
    V("JSON.ARRINSERT", "value", "1"),
    V("JSON.ARRINDEX", "path", "$.a"),
    V("JSON.ARRINSERT", "path", "$.a"),
    V("JSON.ARRINSERT", "index", "0"),
    V("JSON.ARRTRIM", "path", "$.a"),
    V("JSON.ARRTRIM", "start", "0"),
    V("JSON.ARRTRIM", "stop", "0"),
    /* vector sets: the fixture holds element "x" = [1] */
    V("VADD", "element", "y"),
    CHOICE("VADD", "vector", 1), /* VALUES 1 1 */
    V("VEMB", "element", "x"),
    V("VLINKS", "element", "x"),
    V("VREM", "element", "x"),
    V("VSETATTR", "element", "x"),
    V("VSETATTR", "json", "{\"a\":1}"),
    V("VGETATTR", "element", "x"),
    V("VSIM", "query.ele", "x"),
    /* a list element that exists */
    V("LINSERT", "pivot", "1"),
    V("LPOS", "element", "1"),
    V("SMOVE", "member", "1"),
    /* RedisTimeSeries (tests/modules): new timestamps, full ranges, a
     * label filter the fixtures match, a second series for rules */
    V("TS.ADD", "timestamp", "*"),
    V("TS.MADD", "ktv.timestamp", "*"),
    V("TS.RANGE", "from-timestamp", "-"),
    V("TS.RANGE", "to-timestamp", "+"),
    V("TS.REVRANGE", "from-timestamp", "-"),
    V("TS.REVRANGE", "to-timestamp", "+"),
    V("TS.NRANGE", "from-timestamp", "-"),
    V("TS.NRANGE", "to-timestamp", "+"),
    V("TS.NREVRANGE", "from-timestamp", "-"),
    V("TS.NREVRANGE", "to-timestamp", "+"),
    V("TS.MRANGE", "from-timestamp", "-"),
    V("TS.MRANGE", "to-timestamp", "+"),
    V("TS.MREVRANGE", "from-timestamp", "-"),
    V("TS.MREVRANGE", "to-timestamp", "+"),
    V("TS.MRANGE", "filter", "mc=1"),
    V("TS.MREVRANGE", "filter", "mc=1"),
    V("TS.MGET", "filter", "mc=1"),
    V("TS.QUERYINDEX", "filter", "mc=1"),
    V("TS.QUERYLABELS", "filter", "mc=1"),
    V("TS.READ", "timestamp", "-"),
    V("TS.CREATE", "key", MC_KEY_DEST),
    V("TS.CREATERULE", "dest-key", MC_KEY_TS2),
    V("TS.DELETERULE", "dest-key", MC_KEY_TS2),
    /* RedisBloom: new keys for the RESERVE / create commands, values in range */
    V("BF.RESERVE", "key", MC_KEY_DEST),
    V("BF.RESERVE", "error-rate", "0.01"),
    V("CF.RESERVE", "key", MC_KEY_DEST),
    V("CF.RESERVE", "capacity", "100"),
    V("CMS.INITBYDIM", "key", MC_KEY_DEST),
    V("CMS.INITBYPROB", "key", MC_KEY_DEST),
    V("CMS.INITBYPROB", "error", "0.01"),
    V("CMS.INITBYPROB", "probability", "0.01"),
    V("CMS.MERGE", "destination", MC_KEY_CMS2),
    V("TOPK.RESERVE", "key", MC_KEY_DEST),
    V("TDIGEST.CREATE", "key", MC_KEY_DEST),
    V("TDIGEST.MERGE", "destination-key", MC_KEY_DEST),
    V("TDIGEST.QUANTILE", "quantile", "0.5"),
    V("TDIGEST.TRIMMED_MEAN", "low-cut-quantile", "0.1"),
    V("TDIGEST.TRIMMED_MEAN", "high-cut-quantile", "0.9"),
};

#undef V
#undef CHOICE

static const mc_override *find_override(const char *cmd, const char *path) {
    for (size_t i = 0; i < sizeof OVERRIDES / sizeof OVERRIDES[0]; i++)
        if (strcasecmp(OVERRIDES[i].cmd, cmd) == 0 && strcmp(OVERRIDES[i].path, path) == 0)
            return &OVERRIDES[i];
    return NULL;
}

void mc_ctx_init(mc_ctx *v, const rsdk_command_meta *cmd, int64_t now_s) {
    memset(v, 0, sizeof *v);
    v->cmd = cmd;
    v->now_s = now_s;
}

static void problem(mc_ctx *v, const char *path, const char *what) {
    if (v->problem[0] != '\0') return;
    snprintf(v->problem, sizeof v->problem, "%s: %s: %s", v->cmd->name, path, what);
}

/* Last component of a path ("data.member" -> "member"). */
static const char *leaf_name(const char *path) {
    const char *dot = strrchr(path, '.');
    return dot ? dot + 1 : path;
}

/* The fixture key of the command's data type. */
static const char *group_key(const char *group) {
    static const struct {
        const char *group, *key;
    } G[] = {
        {"list", MC_KEY_LIST},    {"hash", MC_KEY_HASH},     {"set", MC_KEY_SET},
        {"sorted_set", MC_KEY_ZSET}, {"stream", MC_KEY_STREAM}, {"geo", MC_KEY_GEO},
        {"hyperloglog", MC_KEY_HLL},
        /* modules (tests/modules, and JSON and vector sets in tests/commands) */
        {"json", MC_KEY_JSON}, {"vector_set", MC_KEY_VSET},
        {"timeseries", MC_KEY_TS}, {"bf", MC_KEY_BF}, {"cf", MC_KEY_CF}, {"cms", MC_KEY_CMS},
        {"topk", MC_KEY_TOPK}, {"tdigest", MC_KEY_TDIGEST},
    };
    for (size_t i = 0; i < sizeof G / sizeof G[0]; i++)
        if (strcmp(G[i].group, group) == 0) return G[i].key;
    return MC_KEY_STRING;
}

static const char *fmt_int(mc_ctx *v, int64_t n) {
    if (v->nscratch == sizeof v->scratch / sizeof v->scratch[0]) v->nscratch = 0;
    char *d = v->scratch[v->nscratch++];
    d[rsdk_format_int(d, n)] = '\0';
    return d;
}

const char *mc_value(mc_ctx *v, const char *path, rsdk_arg_type t) {
    const mc_override *o = find_override(v->cmd->name, path);
    if (o && o->value) return o->value;
    const char *name = leaf_name(path);
    switch (t) {
    case RSDK_ARG_KEY:
        if (strcmp(name, "destination") == 0 || strcmp(name, "destkey") == 0 ||
            strcmp(name, "newkey") == 0 || strcmp(name, "dst") == 0)
            return MC_KEY_DEST;
        return group_key(v->cmd->group);
    case RSDK_ARG_PATTERN: return "mc:*";
    case RSDK_ARG_INTEGER: return strcmp(name, "cursor") == 0 ? "0" : "1";
    case RSDK_ARG_DOUBLE:
        /* blocking commands give up after 10 ms instead of a second */
        return strcmp(name, "timeout") == 0 ? "0.01" : "1";
    case RSDK_ARG_UNIX_TIME:
        /* an hour from now, in milliseconds where the name says so */
        return fmt_int(v, strstr(name, "milliseconds") ? (v->now_s + 3600) * 1000 : v->now_s + 3600);
    case RSDK_ARG_STRING:
    default: return "x";
    }
}

rsdk_str mc_str(mc_ctx *v, const char *path, rsdk_arg_type t) {
    return rsdk_str_c(mc_value(v, path, t));
}

int64_t mc_int(mc_ctx *v, const char *path, rsdk_arg_type t) {
    const char *s = mc_value(v, path, t);
    char *end = NULL;
    errno = 0;
    long long n = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0') {
        problem(v, path, "value is no integer");
        return 0;
    }
    return (int64_t)n;
}

uint64_t mc_uint(mc_ctx *v, const char *path, rsdk_arg_type t) {
    const char *s = mc_value(v, path, t);
    char *end = NULL;
    errno = 0;
    unsigned long long n = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-') {
        problem(v, path, "value is no unsigned integer");
        return 0;
    }
    return (uint64_t)n;
}

double mc_dbl(mc_ctx *v, const char *path, rsdk_arg_type t) {
    const char *s = mc_value(v, path, t);
    char *end = NULL;
    double d = strtod(s, &end);
    if (end == s || *end != '\0') {
        problem(v, path, "value is no number");
        return 0;
    }
    return d;
}

size_t mc_choice(mc_ctx *v, const char *path) {
    const mc_override *o = find_override(v->cmd->name, path);
    return o && o->choice >= 0 ? (size_t)o->choice : 0;
}

int mc_version_cmp(const char *a, const char *b) {
    while (*a || *b) {
        unsigned long x = 0, y = 0;
        while (*a >= '0' && *a <= '9') x = x * 10 + (unsigned long)(*a++ - '0');
        while (*b >= '0' && *b <= '9') y = y * 10 + (unsigned long)(*b++ - '0');
        if (x != y) return x < y ? -1 : 1;
        if (*a == '.') a++;
        else if (*a) return 0; /* "7.0.0-rc1": compare the numeric part only */
        if (*b == '.') b++;
        else if (*b) return 0;
    }
    return 0;
}
