/* rsdk/credentials.h — where usernames, passwords and tokens come from.
 *
 * A credentials provider hands out copies of the current credentials and a
 * generation number that grows every time they change. A connection remembers
 * the generation it authenticated with; when that is below the provider's
 * generation its credentials are stale and it must re-AUTH. Providers also
 * call subscribers when the credentials change, so pools can re-authenticate
 * idle connections at once and in-use ones on release.
 *
 * Built in: a static user/password, a callback asked on every use, and a
 * token manager that keeps a short-lived token fresh on a background thread.
 * Other sources (modules/auth_entra, ...) plug in through
 * rsdk_credentials_provider_new().
 *
 * Secrets are copied through the rsdk allocator, wiped before they are freed,
 * and never put into error messages, events or logs. */
#ifndef RSDK_CREDENTIALS_H
#define RSDK_CREDENTIALS_H

#include "rsdk/backoff.h"
#include "rsdk/common.h"
#include "rsdk/error.h"
#include "rsdk/events.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- credentials ---------------------------------------------------------- */

/* One set of credentials. Start from a zeroed value ({0}); the strings are
 * owned by the value (rsdk allocator), NUL-terminated and may also hold NULs
 * (use the lengths). Release with rsdk_credentials_deinit(). */
typedef struct rsdk_credentials {
    char *username;        /* NULL: AUTH with the password alone */
    size_t username_len;
    char *password;        /* password or token; never NULL once filled */
    size_t password_len;
    int64_t expires_at_ms; /* wall clock ms since the Unix epoch; 0 = never */
    uint64_t generation;   /* provider generation these belong to */
} rsdk_credentials;

/* Replaces the contents of `c` with copies of `username` (ptr NULL: none)
 * and `password` (required) and sets expires_at_ms. The old contents are
 * wiped and freed, but only on success: on RSDK_ERR_NOMEM or
 * RSDK_ERR_INVALID_ARG (NULL c, NULL password) `c` is untouched. */
RSDK_API rsdk_status rsdk_credentials_set(rsdk_credentials *c, rsdk_str username,
                                          rsdk_str password, int64_t expires_at_ms);

/* Wipes and frees the strings and zeroes `c`. Accepts NULL and a zeroed value. */
RSDK_API void rsdk_credentials_deinit(rsdk_credentials *c);

/* ---- providers ------------------------------------------------------------- */

typedef struct rsdk_credentials_provider rsdk_credentials_provider; /* opaque */

/* A fetch function: fill `out` (empty on entry) with rsdk_credentials_set()
 * and return RSDK_OK, or return a failure code and optionally describe it in
 * `err` (never with the secret in it). Whatever was set in `out` on failure
 * is wiped and discarded. */
typedef rsdk_status (*rsdk_credentials_fetch_fn)(rsdk_credentials *out, rsdk_error *err,
                                                 void *ud);

/* How a custom provider plugs in. `get` must be thread-safe; it fills an
 * empty `out` as a fetch function does. `free` (may be NULL) releases `self`.
 * When the provider's credentials change it calls
 * rsdk_credentials_provider_notify(). */
typedef struct rsdk_credentials_provider_ops {
    rsdk_status (*get)(void *self, rsdk_credentials *out, rsdk_error *err);
    void (*free)(void *self);
} rsdk_credentials_provider_ops;

/* Wraps a custom provider. `ops` is copied; on success the provider takes
 * over `self` (ops->free runs on rsdk_credentials_provider_free); on failure
 * *out is untouched and `self` stays the caller's. RSDK_ERR_INVALID_ARG (NULL
 * ops, ops->get or out), RSDK_ERR_NOMEM. The generation starts at 1. */
RSDK_API rsdk_status rsdk_credentials_provider_new(const rsdk_credentials_provider_ops *ops,
                                                   void *self,
                                                   rsdk_credentials_provider **out);

/* A provider that always returns copies of `username` (may be NULL) and
 * `password` (required), copied now. Generation stays 1 unless notified. */
RSDK_API rsdk_status rsdk_credentials_static_new(const char *username, const char *password,
                                                 rsdk_credentials_provider **out);

/* A provider that calls `fn(out, err, ud)` on every get (so each new
 * connection sees what the application currently holds). `fn` must be
 * thread-safe. When the application rotates the secret it calls
 * rsdk_credentials_provider_notify() so live connections re-AUTH. */
RSDK_API rsdk_status rsdk_credentials_callback_new(rsdk_credentials_fetch_fn fn, void *ud,
                                                   rsdk_credentials_provider **out);

/* Frees a provider made by _new/_static_new/_callback_new. Accepts NULL. No
 * client, pool or thread may still use it. A token manager's provider is
 * freed with its manager; passing it here does nothing. */
RSDK_API void rsdk_credentials_provider_free(rsdk_credentials_provider *p);

/* Fills `out` (overwritten, not freed: pass an empty value) with a copy of the
 * current credentials and their generation; the caller clears it. On failure
 * `out` is untouched and `err` (may be NULL) says why: RSDK_ERR_CREDENTIALS
 * (none available, token expired), RSDK_ERR_NOMEM, or the fetch function's
 * code. Thread-safe. The generation is read before the credentials, so a
 * change racing this call can cause one extra re-AUTH, never a missed one. */
RSDK_API rsdk_status rsdk_credentials_provider_get(rsdk_credentials_provider *p,
                                                   rsdk_credentials *out, rsdk_error *err);

/* The current generation (>= 1); 0 for NULL. A connection that authenticated
 * with generation g needs re-AUTH when g < this value. Thread-safe, lock-free. */
RSDK_API uint64_t rsdk_credentials_provider_generation(const rsdk_credentials_provider *p);

/* Records that the credentials changed: increments the generation and calls
 * subscribers with an RSDK_EVENT_CREDENTIALS_CHANGED event (source = p) on
 * the calling thread. Returns the new generation (0 for NULL). Thread-safe. */
RSDK_API uint64_t rsdk_credentials_provider_notify(rsdk_credentials_provider *p);

/* Registers `fn` for RSDK_EVENT_CREDENTIALS_CHANGED events of this provider;
 * same rules as rsdk_events_subscribe (the listener may call
 * rsdk_credentials_provider_get). */
RSDK_API rsdk_status rsdk_credentials_provider_subscribe(rsdk_credentials_provider *p,
                                                         rsdk_event_fn fn, void *ud,
                                                         uint64_t *id);

/* Removes a registration; same guarantee as rsdk_events_unsubscribe. */
RSDK_API rsdk_status rsdk_credentials_provider_unsubscribe(rsdk_credentials_provider *p,
                                                           uint64_t id);

/* ---- token manager --------------------------------------------------------- */

/* RSDK_TOKEN_GIVE_UP from a retry hint: stop retrying now. */
#define RSDK_TOKEN_GIVE_UP (-1)

/* Asked on the manager's thread after each failed fetch, with the fetch's
 * status and fetch_ud, so a fetch that knows more than the status (an
 * identity provider's Retry-After, a rejected secret) can steer the retry.
 * Returns the least wait before the next attempt in ms (the manager waits
 * the longer of it and its backoff; 0 = the backoff alone), or
 * RSDK_TOKEN_GIVE_UP to stop retrying at once, as when max_retries runs
 * out (terminal event, resumed by rsdk_token_manager_refresh_now). */
typedef int64_t (*rsdk_token_retry_fn)(rsdk_status st, void *fetch_ud);

/* Token manager configuration. Initialise with rsdk_token_opts_init(); new
 * fields are appended, never reordered. */
typedef struct rsdk_token_opts {
    rsdk_credentials_fetch_fn fetch; /* required: gets a token (as the password,
                                      * with its expires_at_ms and optional
                                      * username); may block, e.g. on HTTP */
    void *fetch_ud;
    double refresh_ratio;            /* refresh after this share of the token's
                                      * lifetime; (0, 1]; default 0.7 */
    uint32_t min_lead_ms;            /* ...but no later than expiry minus this
                                      * (when the lifetime is longer); default 10000 */
    int max_retries;                 /* failed fetches retried before giving up;
                                      * -1 (default) = keep retrying */
    rsdk_backoff_opts retry_backoff; /* between failed fetches; default
                                      * {RSDK_BACKOFF_EQUAL_JITTER, 100, 10000} */
    rsdk_events *events;             /* borrowed, may be NULL: receives
                                      * TOKEN_REFRESHED / TOKEN_REFRESH_FAILED */
    uint64_t seed;                   /* backoff seed; 0 = rsdk_backoff_seed_auto() */
    rsdk_token_retry_fn retry_hint;  /* may be NULL (default): backoff alone */
} rsdk_token_opts;

typedef struct rsdk_token_manager rsdk_token_manager; /* opaque */

/* Sets every default (fetch stays NULL). */
RSDK_API void rsdk_token_opts_init(rsdk_token_opts *o);

/* Creates a stopped manager (opts copied; `events` stays borrowed and must
 * outlive the manager). RSDK_ERR_INVALID_ARG for a NULL fetch, a ratio
 * outside (0, 1], retry_backoff.cap_ms < retry_backoff.base_ms or an unknown kind;
 * RSDK_ERR_NOMEM. *out untouched on failure. */
RSDK_API rsdk_status rsdk_token_manager_new(const rsdk_token_opts *o, rsdk_token_manager **out);

/* Fetches the first token on the calling thread, then starts the refresh
 * thread. On failure (the fetch's code, RSDK_ERR_CREDENTIALS for a token that
 * is already expired, RSDK_ERR_INVALID_ARG when already started) no thread
 * runs and start may be called again. Emits TOKEN_REFRESHED on success.
 * When the token was fetched but the thread could not be created
 * (RSDK_ERR_NOMEM, "could not start the token refresh thread"), that token
 * is installed and announced (clients may use it until it expires) but
 * nothing refreshes it: call start again, which fetches anew. */
RSDK_API rsdk_status rsdk_token_manager_start(rsdk_token_manager *tm, rsdk_error *err);

/* Stops the refresh thread: it wakes at once, and stop returns as soon as a
 * fetch in progress (which cannot be interrupted) has returned; what that
 * fetch brings is discarded and nothing more is emitted. The last token stays
 * available until it expires; start() may be called again. Idempotent;
 * accepts NULL. Called from a listener on the manager's own thread it only
 * asks the thread to end (the join happens in a later stop or free). */
RSDK_API void rsdk_token_manager_stop(rsdk_token_manager *tm);

/* Asks the thread to fetch a new token now (e.g. after the server rejected
 * the current one); also resumes a manager that gave up. RSDK_ERR_INVALID_ARG
 * when the manager is not running. Returns without waiting for the fetch. */
RSDK_API rsdk_status rsdk_token_manager_refresh_now(rsdk_token_manager *tm);

/* The provider serving the manager's tokens: password = token, username as
 * the fetch set it. Borrowed; lives as long as the manager. Its generation
 * starts at 1 with the first token and grows by one per refreshed token. */
RSDK_API rsdk_credentials_provider *rsdk_token_manager_provider(rsdk_token_manager *tm);

/* Stops the manager, wipes the token and frees everything. Accepts NULL. No
 * client or pool may still use its provider; not from a listener. */
RSDK_API void rsdk_token_manager_free(rsdk_token_manager *tm);

#ifdef __cplusplus
}
#endif
#endif
