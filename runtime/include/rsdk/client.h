/* rsdk/client.h — the synchronous client: one connection, blocking calls.
 *
 * A client is not thread-safe: use one per thread, or a pool. */
#ifndef RSDK_CLIENT_H
#define RSDK_CLIENT_H

#include "rsdk/buf.h"
#include "rsdk/common.h"
#include "rsdk/credentials.h"
#include "rsdk/error.h"
#include "rsdk/events.h"
#include "rsdk/reader.h"
#include "rsdk/reply.h"
#include "rsdk/reply_shape.h"
#include "rsdk/retry.h"
#include "rsdk/url.h"

#ifdef __cplusplus
extern "C" {
#endif

/* TLS configuration (docs/tls.md). Initialise with rsdk_tls_opts_init() (or
 * start from rsdk_tls_opts_default()); strings are borrowed for the duration
 * of rsdk_client_open() / rsdk_pool_new() only (copied inside). Files are
 * read by rsdk_client_open(). New fields are appended, never reordered. */
typedef struct rsdk_tls_opts {
    bool verify;              /* default true: check the certificate chain and
                               * the host name or IP address; false is an
                               * explicit opt-out (no checks at all) */
    const char *ca_file;      /* PEM file of trusted CAs; with neither this nor
                               * ca_dir the system's default trust is used */
    const char *ca_dir;       /* directory of hashed CA certificates */
    const char *cert_file;    /* client certificate (PEM chain), for mutual TLS */
    const char *key_file;     /* its private key (PEM, not encrypted) */
    const char *server_name;  /* name sent as SNI and verified; default: host */
    const char *min_version;  /* "1.2" (default) or "1.3" */
    const char *ciphers;      /* TLS 1.2 cipher list (OpenSSL syntax); NULL: default */
    const char *ciphersuites; /* TLS 1.3 cipher suites; NULL: default */
} rsdk_tls_opts;

/* Sets every default: verify on, everything else NULL. */
RSDK_API void rsdk_tls_opts_init(rsdk_tls_opts *t);

/* The defaults as a constant (what a rediss:// URL turns on). */
RSDK_API const rsdk_tls_opts *rsdk_tls_opts_default(void);

/* Client configuration. Initialise with rsdk_client_opts_init(); strings are
 * borrowed for the duration of rsdk_client_open() only (copied inside).
 * New fields are appended, never reordered. */
typedef struct rsdk_client_opts {
    const char *host;          /* default "127.0.0.1" */
    int port;                  /* default 6379 */
    const char *unix_path;     /* when set, host/port are ignored */
    const char *username;      /* NULL: AUTH with password only ("default") */
    const char *password;      /* NULL: no AUTH */
    int db;                    /* SELECT after connect when non-zero */
    const char *client_name;   /* CLIENT SETNAME / HELLO SETNAME when set */
    int protocol;              /* 3 (default; falls back to 2 without HELLO) or 2 */
    int connect_timeout_ms;    /* default 5000; 0 = none */
    int command_timeout_ms;    /* deadline of a whole call (connect, send, every
                                * read, retries); default 5000; blocking commands
                                * get their own timeout on top; 0 = none
                                * (docs/connections.md) */
    bool tcp_nodelay;          /* default true */
    int keepalive_s;           /* TCP keepalive idle seconds; default 30, 0 = off */
    rsdk_reader_limits limits; /* reply limits; zeros = defaults */
    bool reconnect;            /* default true: a broken connection is re-opened
                                * by the next call (never for the failed call) */

    /* TLS (docs/tls.md): NULL (default) for a plain connection; otherwise
     * TLS with these options (borrowed until rsdk_client_open returns;
     * rediss:// URLs set rsdk_tls_opts_default() unless already set). A
     * pointer, so that rsdk_tls_opts can grow without moving the fields
     * below (docs/abi.md). */
    const rsdk_tls_opts *tls;

    /* Connection management (docs/retries.md, docs/events.md,
     * docs/credentials.md). */
    rsdk_events *events;        /* borrowed, may be NULL: receives CONNECTED,
                                 * DISCONNECTED, RECONNECT_ATTEMPT, PUSH,
                                 * COMMAND_COMPLETED and REAUTH_* events; must
                                 * outlive the client */
    const rsdk_retry_policy *retry; /* copied by open; NULL (default): the
                                 * default policy (rsdk_retry_policy_init: 10
                                 * attempts, connection errors, jittered
                                 * exponential backoff 10 ms .. 1 s), always
                                 * within command_timeout_ms and never resending
                                 * a write; a policy with max_attempts 1 (from
                                 * rsdk_retry_policy_init_none) never retries */
    rsdk_credentials_provider *credentials; /* borrowed, may be NULL: when set,
                                 * username/password come from it at every
                                 * connect (the two fields above are ignored)
                                 * and a changed generation makes the client
                                 * re-AUTH before its next command */
    uint64_t backoff_seed;      /* seed of the retry/reconnect backoff;
                                 * 0 (default) = rsdk_backoff_seed_auto() */
    int keepalive_interval_s;   /* seconds between keepalive probes; default 5 */
    int keepalive_count;        /* unanswered probes before the connection is
                                 * dropped; default 3 */
} rsdk_client_opts;

typedef struct rsdk_client rsdk_client; /* opaque */

/* Sets every default. */
RSDK_API void rsdk_client_opts_init(rsdk_client_opts *o);

/* Applies a URL (see rsdk/url.h) on top of `o`, which then borrows strings
 * from `u` (keep `u` alive until the client is open). The scheme decides
 * TLS: rediss:// sets o->tls to rsdk_tls_opts_default() unless it is
 * already set; redis:// and unix:// set it to NULL. */
RSDK_API void rsdk_client_opts_from_url(rsdk_client_opts *o, const rsdk_url *u);

/* Connects and runs the handshake (HELLO 3 with AUTH/SETNAME, or RESP2 AUTH,
 * CLIENT SETNAME, SELECT when the server has no HELLO). On success *out is a
 * new client. On failure *out is untouched and `err` (may be NULL) says why:
 * RSDK_ERR_CONNECT/TIMEOUT/IO, RSDK_ERR_AUTH, RSDK_ERR_TLS (with opts.tls set:
 * unloadable CA/certificate/key files, handshake or verification failures,
 * see docs/tls.md), ... */
RSDK_API rsdk_status rsdk_client_open(const rsdk_client_opts *o, rsdk_client **out,
                                      rsdk_error *err);
/* Handshake details: with protocol 3 one HELLO 3 [AUTH user pass] [SETNAME
 * name] is sent (user "default" when only a password is set); a server that
 * does not know HELLO (or answers NOPROTO) gets the RESP2 sequence instead.
 * With protocol 2 no HELLO is sent at all: AUTH, CLIENT SETNAME and SELECT
 * go out directly, pipelined. SELECT follows whenever db is non-zero. The
 * connect timeout bounds each wait of the handshake too. A refused password
 * is RSDK_ERR_AUTH; messages never contain the password. */

/* Opens from a URL string. Same results as rsdk_client_open, plus RSDK_ERR_URL. */
RSDK_API rsdk_status rsdk_client_open_url(const char *url, rsdk_client **out, rsdk_error *err);

/* Closes the connection and frees the client. Accepts NULL. */
RSDK_API void rsdk_client_close(rsdk_client *c);

/* Detail of the client's last failure. Borrowed; valid until the next call. */
RSDK_API const rsdk_error *rsdk_client_error(const rsdk_client *c);

/* Records `e` (copied) as the client's last failure, so code that rejects a
 * command before sending it (generated command wrappers checking their
 * arguments or decoding a reply) reports through rsdk_client_error() like the
 * client's own calls. The connection is not affected, except by
 * RSDK_ERR_UNEXPECTED_REPLY (a decoder saw a reply type its command never
 * returns: the stream is out of step), which breaks it. Returns e->code, or
 * RSDK_ERR_INVALID_ARG for a NULL `c` or `e`. */
RSDK_API rsdk_status rsdk_client_set_error(rsdk_client *c, const rsdk_error *e);

/* Protocol in use after the handshake: 2 or 3. */
RSDK_API int rsdk_client_protocol(const rsdk_client *c);

/* True when the connection is unusable (after a timeout, I/O or protocol
 * error) and must be reconnected before the next command. */
RSDK_API bool rsdk_client_broken(const rsdk_client *c);

/* Receives RESP3 push messages (client-side caching invalidations, ...) that
 * arrive on a normal connection: they are never taken as a command's reply.
 * The handler takes over `push` (it must rsdk_reply_free it) and runs inside
 * the call that was reading a reply; it must not call into `c`. */
typedef void (*rsdk_client_push_fn)(rsdk_client *c, rsdk_reply *push, void *ud);

/* Installs (or, with fn NULL, removes) the push handler. Without one, pushes
 * are dropped. */
RSDK_API void rsdk_client_set_push_handler(rsdk_client *c, rsdk_client_push_fn fn, void *ud);

/* Sends one command and waits for its reply. On RSDK_OK, *out is the reply
 * (caller frees). A server error reply is a failure: its mapped code is
 * returned (RSDK_ERR_WRONGTYPE, ...), *out is untouched and
 * rsdk_client_error() has prefix and text. A timeout or I/O failure breaks the
 * connection so a late reply can never answer a later command. With
 * opts.retry the call is retried under the write guarantee
 * (docs/retries.md); the same holds for every call below. */
RSDK_API rsdk_status rsdk_client_command_argv(rsdk_client *c, size_t argc, const char *const *argv,
                                              const size_t *argvlen, rsdk_reply **out);

/* Convenience: arguments are C strings, terminated by NULL. */
RSDK_API rsdk_status rsdk_client_command(rsdk_client *c, rsdk_reply **out, const char *arg0, ...)
    RSDK_SENTINEL;

/* Sends `ncmds` commands already encoded in `encoded` (RESP arrays, e.g. from
 * rsdk_write_command or generated encoders) in one write, and reads `ncmds`
 * replies into replies[0..ncmds). The buffer must hold exactly `ncmds` whole
 * commands (rsdk_encoded_count): otherwise RSDK_ERR_INVALID_ARG and nothing
 * is sent. Server errors stay in the array as
 * RSDK_REPLY_ERROR nodes. On a connection failure every slot not yet answered
 * is NULL, the failure code is returned, and the connection is broken. The
 * caller frees each non-NULL reply. */
RSDK_API rsdk_status rsdk_client_send_encoded(rsdk_client *c, const rsdk_buf *encoded,
                                              size_t ncmds, rsdk_reply **replies);

/* ---- pipelines ---------------------------------------------------------- */

typedef struct rsdk_pipeline rsdk_pipeline; /* opaque */

/* New empty pipeline bound to `c` (borrowed; must outlive the pipeline)
 * into *out. Returns RSDK_OK, RSDK_ERR_NOMEM or RSDK_ERR_INVALID_ARG (NULL
 * `c` or `out`); on failure *out is untouched. */
RSDK_API rsdk_status rsdk_pipeline_new(rsdk_client *c, rsdk_pipeline **out);

/* Frees the pipeline and any replies it still holds. Accepts NULL. */
RSDK_API void rsdk_pipeline_free(rsdk_pipeline *p);

/* Queues one command (argv as in rsdk_client_command_argv). */
RSDK_API rsdk_status rsdk_pipeline_append_argv(rsdk_pipeline *p, size_t argc,
                                               const char *const *argv, const size_t *argvlen);

/* Number of queued commands. */
RSDK_API size_t rsdk_pipeline_count(const rsdk_pipeline *p);

/* Sends everything in one write and reads all replies. Same failure rules as
 * rsdk_client_send_encoded. Afterwards rsdk_pipeline_reply() gives each reply
 * and the queue is empty for reuse. Replies of commands committed with
 * rsdk_pipeline_commit_shaped (rsdk/pipeline_internal.h: generated _queue
 * functions) are brought to their RESP3 form; when memory
 * for that runs out the exec returns RSDK_ERR_NOMEM, and every reply is
 * still readable (that one as received, type tags normalised). */
RSDK_API rsdk_status rsdk_pipeline_exec(rsdk_pipeline *p);

/* Reply `i` of the last exec (borrowed, owned by the pipeline until the next
 * exec or free), or NULL when it was not received. Mutable, so that a
 * generated decoder (rcore_get_decode) can bring it to its RESP3 form in
 * place; it stays the pipeline's to free. */
RSDK_API rsdk_reply *rsdk_pipeline_reply(const rsdk_pipeline *p, size_t i);

/* Number of reply slots of the last exec. */
RSDK_API size_t rsdk_pipeline_reply_count(const rsdk_pipeline *p);

/* Where the pipeline's failures are described: its client's error
 * (rsdk_client_error), or for a pipeline without one (a cluster's,
 * rsdk/cluster.h) its own. Borrowed; NULL for a NULL `p`. */
RSDK_API const rsdk_error *rsdk_pipeline_error(const rsdk_pipeline *p);

#ifdef __cplusplus
}
#endif
#endif
