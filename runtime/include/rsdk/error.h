/* rsdk/error.h — status codes, error classes and the error detail record.
 *
 * One list (RSDK_STATUS_MAP) makes the enum, the names, the classes and the
 * default texts. Codes are append-only: a released number never changes. */
#ifndef RSDK_ERROR_H
#define RSDK_ERROR_H

#include "rsdk/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Error classes, after redis-py's exception hierarchy. A code belongs to one
 * class; rsdk_err_class() tells which. */
typedef enum rsdk_errclass {
    RSDK_CLASS_NONE = 0,    /* success */
    RSDK_CLASS_CONNECTION,  /* I/O, connect, timeout, TLS, closed */
    RSDK_CLASS_RESPONSE,    /* the server answered with an error reply */
    RSDK_CLASS_CLUSTER,     /* MOVED, ASK, TRYAGAIN, CROSSSLOT, CLUSTERDOWN */
    RSDK_CLASS_POOL,        /* pool exhausted or closed */
    RSDK_CLASS_PROTOCOL,    /* malformed or over-limit reply */
    RSDK_CLASS_ARGUMENT,    /* caller passed something invalid */
    RSDK_CLASS_RESOURCE,    /* out of memory */
} rsdk_errclass;

/* X(name, number, class, default text). Append only. */
#define RSDK_STATUS_MAP(X)                                                        \
    X(OK, 0, NONE, "success")                                                     \
    X(ERR_NOMEM, 1, RESOURCE, "out of memory")                                    \
    X(ERR_INVALID_ARG, 2, ARGUMENT, "invalid argument")                           \
    X(ERR_URL, 3, ARGUMENT, "malformed URL")                                      \
    X(ERR_PROTOCOL, 4, PROTOCOL, "protocol error")                                \
    X(ERR_IO, 5, CONNECTION, "I/O error")                                         \
    X(ERR_EOF, 6, CONNECTION, "connection closed by peer")                        \
    X(ERR_CONNECT, 7, CONNECTION, "could not connect")                            \
    X(ERR_TIMEOUT, 8, CONNECTION, "timed out")                                    \
    X(ERR_TLS, 9, CONNECTION, "TLS error")                                        \
    X(ERR_BROKEN, 10, CONNECTION, "connection broken by an earlier failure")      \
    X(ERR_CLOSED, 11, CONNECTION, "client is closed")                             \
    X(ERR_RESPONSE, 12, RESPONSE, "server error")                                 \
    X(ERR_WRONGTYPE, 13, RESPONSE, "operation against a key of the wrong type")   \
    X(ERR_NOSCRIPT, 14, RESPONSE, "no matching script")                           \
    X(ERR_READONLY, 15, RESPONSE, "write against a read-only replica")            \
    X(ERR_BUSY, 16, RESPONSE, "server busy running a script")                     \
    X(ERR_LOADING, 17, RESPONSE, "server is loading its dataset")                 \
    X(ERR_AUTH, 18, RESPONSE, "authentication failed")                            \
    X(ERR_NOPERM, 19, RESPONSE, "no permission")                                  \
    X(ERR_EXECABORT, 20, RESPONSE, "transaction discarded")                       \
    X(ERR_UNKNOWN_COMMAND, 21, RESPONSE, "unknown command")                       \
    X(ERR_OOM, 22, RESPONSE, "server out of memory")                              \
    X(ERR_MOVED, 23, CLUSTER, "slot moved")                                       \
    X(ERR_ASK, 24, CLUSTER, "slot migrating (ASK)")                               \
    X(ERR_TRYAGAIN, 25, CLUSTER, "try again")                                     \
    X(ERR_CROSSSLOT, 26, CLUSTER, "keys in different slots")                      \
    X(ERR_CLUSTERDOWN, 27, CLUSTER, "cluster is down")                            \
    X(ERR_POOL_EXHAUSTED, 28, POOL, "no connection available in the pool")        \
    X(ERR_POOL_CLOSED, 29, POOL, "pool is closed")                                \
    X(ERR_NOPROTO, 30, RESPONSE, "protocol version not supported by server")      \
    X(ERR_MASTERDOWN, 31, RESPONSE, "master is down")                             \
    X(ERR_TXN_ABORTED, 32, RESPONSE, "transaction aborted by WATCH")              \
    X(ERR_NIL, 33, RESPONSE, "nil reply where a value was required")             \
    X(ERR_UNEXPECTED_REPLY, 34, PROTOCOL, "reply has an unexpected type")         \
    X(ERR_CREDENTIALS, 35, RESPONSE, "credentials unavailable")                  \
    X(ERR_QUEUE_FULL, 36, RESOURCE, "too many commands in flight")

typedef enum rsdk_status_code {
#define RSDK__X(name, num, cls, text) RSDK_##name = num,
    RSDK_STATUS_MAP(RSDK__X)
#undef RSDK__X
} rsdk_status_code;

/* Detail of the last failure. Messages never contain passwords or tokens. */
typedef struct rsdk_error {
    rsdk_status code;
    int sys_errno;     /* errno for I/O failures, else 0 */
    char prefix[32];   /* server error prefix ("WRONGTYPE", "MOVED"), or "" */
    char message[256]; /* human-readable text, NUL-terminated, maybe truncated */
} rsdk_error;

/* Default text for a status ("timed out"); "unknown status" if not listed. */
RSDK_API const char *rsdk_status_str(rsdk_status s);

/* Symbolic name for a status ("RSDK_ERR_TIMEOUT"); "RSDK_UNKNOWN" if not listed. */
RSDK_API const char *rsdk_status_name(rsdk_status s);

/* Class of a status; RSDK_CLASS_NONE for RSDK_OK and unknown codes. */
RSDK_API rsdk_errclass rsdk_err_class(rsdk_status s);

/* Name of a class ("connection", "response", ...). */
RSDK_API const char *rsdk_errclass_str(rsdk_errclass c);

/* True when retrying the same command may succeed: connection failures,
 * LOADING, BUSY, TRYAGAIN, CLUSTERDOWN, MASTERDOWN, pool exhausted. Whether a
 * retry is *safe* (the write guarantee) is decided by the retry layer. */
RSDK_API bool rsdk_err_retryable(rsdk_status s);

/* Maps a server error reply text ("WRONGTYPE Operation against...") to a code
 * by its first word. Unknown prefixes give RSDK_ERR_RESPONSE. */
RSDK_API rsdk_status rsdk_status_from_server(const char *msg, size_t len);

/* Clears `e` to RSDK_OK with empty texts. */
RSDK_API void rsdk_error_clear(rsdk_error *e);

/* Fills `e` (may be NULL: then nothing is written) with `code`, `sys_errno`
 * and a printf-style message (falls back to the default text when fmt is
 * NULL). Returns `code`, so callers can write `return rsdk_error_set(...)`. */
RSDK_API rsdk_status rsdk_error_set(rsdk_error *e, rsdk_status code, int sys_errno,
                                    const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Fills `e` from a server error reply: code by prefix, prefix copied, message
 * is the reply text. Returns the code. */
RSDK_API rsdk_status rsdk_error_from_server(rsdk_error *e, const char *msg, size_t len);

#ifdef __cplusplus
}
#endif
#endif
