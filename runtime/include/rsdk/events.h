/* rsdk/events.h — a thread-safe dispatcher of typed events.
 *
 * Clients, pools and token managers emit events (connected, disconnected,
 * command completed, token refreshed, ...) into a dispatcher the application
 * owns; listeners registered on it receive them. Listeners run on the thread
 * that emitted, outside the dispatcher's lock, so a listener may emit,
 * subscribe or unsubscribe (itself included) without deadlock. */
#ifndef RSDK_EVENTS_H
#define RSDK_EVENTS_H

#include "rsdk/common.h"
#include "rsdk/reply.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Event types. Numbers are append-only (they are bit positions in masks). */
typedef enum rsdk_event_type {
    RSDK_EVENT_CONNECTED = 1,         /* .connected */
    RSDK_EVENT_DISCONNECTED,          /* .disconnected */
    RSDK_EVENT_RECONNECT_ATTEMPT,     /* .reconnect */
    RSDK_EVENT_POOL_ACQUIRE,          /* .pool_acquire */
    RSDK_EVENT_POOL_RELEASE,          /* .pool_release */
    RSDK_EVENT_REAUTH_REQUIRED,       /* .reauth: a connection's credentials are stale */
    RSDK_EVENT_REAUTH_SUCCEEDED,      /* .reauth */
    RSDK_EVENT_REAUTH_FAILED,         /* .reauth (status, message) */
    RSDK_EVENT_TOKEN_REFRESHED,       /* .token_refreshed */
    RSDK_EVENT_TOKEN_REFRESH_FAILED,  /* .token_failed */
    RSDK_EVENT_CREDENTIALS_CHANGED,   /* .credentials: a provider has new credentials */
    RSDK_EVENT_PUSH,                  /* .push */
    RSDK_EVENT_COMMAND_COMPLETED,     /* .command */
} rsdk_event_type;

#define RSDK_EVENT_TYPE_MAX RSDK_EVENT_COMMAND_COMPLETED

/* Mask bit for one type; masks are ORs of these. */
#define RSDK_EVENT_MASK(type) (1u << (unsigned)(type))
/* Every type (also what a mask of 0 means). */
#define RSDK_EVENT_MASK_ALL 0xFFFFFFFFu

/* One event. Plain data, valid only during the listener call: every pointer
 * in it is borrowed from the emitter. Texts never hold passwords or tokens.
 * New members are appended to the union, never reordered. */
typedef struct rsdk_event {
    rsdk_event_type type;
    int64_t time_us;       /* wall clock, µs since the Unix epoch; filled in by
                            * rsdk_events_emit when the emitter left it 0 */
    const void *source;    /* the emitting client, pool, provider or manager;
                            * may be NULL; compare only, do not call into it */
    union {
        struct {
            const char *endpoint; /* "host:port" or socket path */
            int protocol;         /* 2 or 3 */
        } connected;
        struct {
            const char *endpoint;
            rsdk_status cause;    /* RSDK_OK for an orderly close */
            const char *message;  /* may be NULL */
        } disconnected;
        struct {
            const char *endpoint;
            uint32_t attempt;     /* 1 for the first reconnect attempt */
            uint32_t delay_ms;    /* wait before this attempt */
        } reconnect;
        struct {
            uint32_t wait_ms;     /* time blocked in acquire */
            rsdk_status status;   /* RSDK_OK or why acquire failed */
        } pool_acquire;
        struct {
            uint32_t held_ms;     /* time the connection was out of the pool */
            bool discarded;       /* closed instead of returned (broken, dirty) */
        } pool_release;
        struct {
            uint64_t generation;  /* provider generation concerned */
            rsdk_status status;   /* REAUTH_FAILED: why; else RSDK_OK */
            const char *message;  /* REAUTH_FAILED: detail, may be NULL */
        } reauth;
        struct {
            int64_t expires_at_ms; /* wall clock ms of the new token; 0 = none */
            uint64_t generation;   /* provider generation after the refresh */
        } token_refreshed;
        struct {
            rsdk_status status;    /* the fetch failure */
            uint32_t attempt;      /* consecutive failures so far (1, 2, ...) */
            uint32_t retry_in_ms;  /* next try, when will_retry */
            bool will_retry;
            bool terminal;         /* credentials are now unusable: the token
                                    * expired unrefreshed, or retries ran out */
            const char *message;   /* the fetch's error text (never a secret);
                                    * may be NULL */
        } token_failed;
        struct {
            uint64_t generation;   /* provider generation now current */
        } credentials;
        struct {
            const rsdk_reply *reply; /* the RESP3 push (or RESP2 message) */
        } push;
        struct {
            const char *name;      /* command name, e.g. "GET"; may be NULL */
            uint64_t latency_us;   /* from first byte written to reply parsed */
            rsdk_status status;
        } command;
    };
} rsdk_event;

/* A listener. Runs on the emitting thread with no rsdk lock held. */
typedef void (*rsdk_event_fn)(const rsdk_event *ev, void *ud);

typedef struct rsdk_events rsdk_events; /* opaque */

/* Creates a dispatcher. RSDK_ERR_INVALID_ARG for NULL `out`, RSDK_ERR_NOMEM;
 * *out untouched on failure. */
RSDK_API rsdk_status rsdk_events_new(rsdk_events **out);

/* Frees the dispatcher and its registrations. Accepts NULL. No thread may be
 * emitting into it or calling it, and it must not be called from a listener;
 * objects that were given the dispatcher must be freed first. */
RSDK_API void rsdk_events_free(rsdk_events *e);

/* Registers `fn(ev, ud)` for the types in `mask` (0 = all). On success *id
 * (may be NULL) is a non-zero handle for rsdk_events_unsubscribe, stored
 * before the listener can first be called on any thread. A listener
 * added while an event is being dispatched does not receive that event.
 * RSDK_ERR_INVALID_ARG (NULL e or fn), RSDK_ERR_NOMEM. Thread-safe. */
RSDK_API rsdk_status rsdk_events_subscribe(rsdk_events *e, uint32_t mask, rsdk_event_fn fn,
                                           void *ud, uint64_t *id);

/* Removes a registration. When it returns the listener is not running on any
 * other thread and will not be called again, so `ud` may be freed; calls on
 * the calling thread's own stack (unsubscribing from inside a listener) are
 * the exception and simply finish. Two listeners must not unsubscribe each
 * other from concurrent calls on different threads: each would wait for the
 * other. RSDK_ERR_INVALID_ARG for NULL `e` or an unknown id. Thread-safe. */
RSDK_API rsdk_status rsdk_events_unsubscribe(rsdk_events *e, uint64_t id);

/* Delivers `ev` (copied; time_us stamped when 0) to every listener whose mask
 * has its type, in registration order, on the calling thread. `e` may be NULL
 * (nothing happens), so emitters need not check. Thread-safe; allocates
 * nothing, so it cannot fail. */
RSDK_API void rsdk_events_emit(rsdk_events *e, const rsdk_event *ev);

/* True when some listener wants `type`, so an emitter can skip building a
 * costly event. False for NULL `e`. Thread-safe, lock-free. */
RSDK_API bool rsdk_events_wants(const rsdk_events *e, rsdk_event_type type);

/* Number of registered listeners. Thread-safe. */
RSDK_API size_t rsdk_events_count(const rsdk_events *e);

/* Name of an event type ("token_refreshed"); "unknown" otherwise. */
RSDK_API const char *rsdk_event_type_str(rsdk_event_type type);

#ifdef __cplusplus
}
#endif
#endif
