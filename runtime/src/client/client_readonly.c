/* The commands a retry may repeat without changing anything on the server.
 *
 * The runtime has no command table (generated modules carry the spec
 * metadata, the client does not), so the client decides from the command's
 * name against this short built-in list: reads of every core data type,
 * read-only script and function calls (*_RO), and the read commands of the
 * JSON, search and time-series modules. A command not on the list counts as
 * a write, which is the safe side of the write guarantee: it is retried only
 * when none of its bytes left (docs/retries.md). */
#include "client_state.h"

/* Sorted (strcmp order, upper case) for the binary search below. */
static const char *const readonly_cmds[] = {
    "BITCOUNT", "BITFIELD_RO", "BITPOS", "DBSIZE", "DUMP", "ECHO", "EVALSHA_RO", "EVAL_RO",
    "EXISTS", "EXPIRETIME", "FCALL_RO", "FT.AGGREGATE", "FT.INFO", "FT.SEARCH", "FT._LIST",
    "GEODIST", "GEOHASH", "GEOPOS", "GEORADIUSBYMEMBER_RO", "GEORADIUS_RO", "GEOSEARCH", "GET",
    "GETBIT", "GETRANGE", "HEXISTS", "HGET", "HGETALL", "HKEYS", "HLEN", "HMGET", "HRANDFIELD",
    "HSCAN", "HSTRLEN", "HVALS", "JSON.ARRINDEX", "JSON.ARRLEN", "JSON.GET", "JSON.MGET",
    "JSON.OBJKEYS", "JSON.OBJLEN", "JSON.RESP", "JSON.STRLEN", "JSON.TYPE", "KEYS", "LCS",
    "LINDEX", "LLEN", "LPOS", "LRANGE", "MGET", "PEXPIRETIME", "PFCOUNT", "PING", "PTTL",
    "RANDOMKEY", "SCAN", "SCARD", "SDIFF", "SINTER", "SINTERCARD", "SISMEMBER", "SMEMBERS",
    "SMISMEMBER", "SORT_RO", "SRANDMEMBER", "SSCAN", "STRLEN", "SUBSTR", "SUNION", "TIME",
    "TOUCH", "TS.GET", "TS.INFO", "TS.MGET", "TS.MRANGE", "TS.MREVRANGE", "TS.RANGE",
    "TS.REVRANGE", "TTL", "TYPE", "XLEN", "XPENDING", "XRANGE", "XREAD", "XREVRANGE", "ZCARD",
    "ZCOUNT", "ZDIFF", "ZINTER", "ZINTERCARD", "ZLEXCOUNT", "ZMSCORE", "ZRANDMEMBER", "ZRANGE",
    "ZRANGEBYLEX", "ZRANGEBYSCORE", "ZRANK", "ZREVRANGE", "ZREVRANGEBYLEX", "ZREVRANGEBYSCORE",
    "ZREVRANK", "ZSCAN", "ZSCORE", "ZUNION",
};

/* strcmp of `name` folded to upper case against the upper-case key `k`
 * (strncasecmp folds to lower case, which orders '_' differently). */
static int cmp_upper(const char *name, size_t len, const char *k) {
    for (size_t i = 0; i < len; i++) {
        unsigned char a = (unsigned char)name[i], b = (unsigned char)k[i];
        if (b == 0) return 1; /* k ended first: name is longer */
        if (a >= 'a' && a <= 'z') a = (unsigned char)(a - 'a' + 'A');
        if (a != b) return a < b ? -1 : 1;
    }
    return k[len] == '\0' ? 0 : -1; /* name is a prefix of k */
}

bool rsdk__command_readonly(const char *name, size_t len) {
    if (!name || len == 0 || len > 24) return false;
    size_t lo = 0, hi = sizeof readonly_cmds / sizeof readonly_cmds[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = cmp_upper(name, len, readonly_cmds[mid]);
        if (cmp == 0) return true;
        if (cmp < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return false;
}
