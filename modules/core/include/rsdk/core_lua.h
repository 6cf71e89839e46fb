/* rsdk/core_lua.h — run a Lua script by its SHA1 digest (EVALSHA), sending
 * the body (EVAL) only when the server does not have it cached yet. */
#ifndef RSDK_CORE_LUA_H
#define RSDK_CORE_LUA_H

#include "rsdk/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A script and its SHA1 digest in lower-case hex (what SCRIPT LOAD returns). */
typedef struct rcore_lua_script {
    rsdk_str body;  /* borrowed: keep it valid while the script is used */
    char sha1[41];  /* NUL-terminated */
} rcore_lua_script;

/* Computes the digest of `body` (borrowed). No I/O. */
RSDK_API void rcore_lua_script_init(rcore_lua_script *s, rsdk_str body);

/* EVALSHA sha1 numkeys keys... args...; on NOSCRIPT (the server's cache does
 * not hold it: first use, SCRIPT FLUSH, restart, another replica) EVAL with
 * the body, which also caches it. At most two round trips; the script runs
 * once. On RSDK_OK *out is the script's reply tree (caller frees). A script
 * error is the mapped status with rsdk_client_error() holding the text.
 * Not for pipelines or MULTI, where the fallback cannot be decided per
 * reply: use rcore_eval_queue there. */
RSDK_API rsdk_status rcore_lua_script_run(rsdk_client *c, const rcore_lua_script *s,
                                          const rsdk_str *keys, size_t nkeys, const rsdk_str *args,
                                          size_t nargs, rsdk_reply **out);

#ifdef __cplusplus
}
#endif
#endif
