/* Event dispatcher: listeners called outside the lock, safe against
 * unsubscribe-during-dispatch.
 *
 * Each listener is refcounted: the registry array holds one reference and a
 * dispatch holds one for every listener it has picked but not yet called.
 * Dispatch works in chunks of at most CHUNK listeners (ids ascending, the
 * array is kept in id order), so emit needs no heap memory and cannot fail,
 * however many listeners there are. A listener that is unsubscribed is marked
 * removed; a dispatch that reaches it afterwards skips it, and unsubscribe
 * waits until calls already running on other threads have returned. */
#include "rsdk/events.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "alloc.h"
#include "rsdk/error.h"

#define CHUNK 16

typedef struct listener {
    uint64_t id;
    uint32_t mask;
    rsdk_event_fn fn;
    void *ud;
    unsigned refs;   /* registry + dispatches holding it (under mu) */
    unsigned active; /* calls running now (under mu) */
    bool removed;
} listener;

struct rsdk_events {
    pthread_mutex_t mu;
    pthread_cond_t idle; /* signalled when a removed listener's call ends */
    listener **items;    /* sorted by id */
    size_t n, cap;
    uint64_t next_id;
    _Atomic uint32_t wanted; /* union of masks, for rsdk_events_wants */
};

/* The listener calls running on this thread, innermost first, so that
 * unsubscribe from inside a listener does not wait for its own caller. */
typedef struct frame {
    const listener *l;
    struct frame *prev;
} frame;
static _Thread_local frame *tl_frames;

static int64_t now_us(void) {
    struct timespec ts = {0, 0};
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Masks of 0 mean every type. Type numbers beyond 31 cannot be masked. */
static bool mask_has(uint32_t mask, rsdk_event_type t) {
    return (unsigned)t < 32 && (mask & RSDK_EVENT_MASK(t));
}

static void recompute_wanted(rsdk_events *e) {
    uint32_t m = 0;
    for (size_t i = 0; i < e->n; i++) m |= e->items[i]->mask;
    atomic_store_explicit(&e->wanted, m, memory_order_relaxed);
}

static void unref(listener *l) {
    if (--l->refs == 0) rsdk__free(l);
}

rsdk_status rsdk_events_new(rsdk_events **out) {
    if (!out) return RSDK_ERR_INVALID_ARG;
    rsdk_events *e = rsdk__calloc(1, sizeof *e);
    if (!e) return RSDK_ERR_NOMEM;
    if (pthread_mutex_init(&e->mu, NULL) != 0) {
        rsdk__free(e);
        return RSDK_ERR_NOMEM;
    }
    if (pthread_cond_init(&e->idle, NULL) != 0) {
        pthread_mutex_destroy(&e->mu);
        rsdk__free(e);
        return RSDK_ERR_NOMEM;
    }
    e->next_id = 1;
    atomic_init(&e->wanted, 0);
    *out = e;
    return RSDK_OK;
}

void rsdk_events_free(rsdk_events *e) {
    if (!e) return;
    for (size_t i = 0; i < e->n; i++) unref(e->items[i]);
    rsdk__free(e->items);
    pthread_cond_destroy(&e->idle);
    pthread_mutex_destroy(&e->mu);
    rsdk__free(e);
}

rsdk_status rsdk_events_subscribe(rsdk_events *e, uint32_t mask, rsdk_event_fn fn, void *ud,
                                  uint64_t *id) {
    if (!e || !fn) return RSDK_ERR_INVALID_ARG;
    listener *l = rsdk__calloc(1, sizeof *l);
    if (!l) return RSDK_ERR_NOMEM;
    l->mask = mask ? mask : RSDK_EVENT_MASK_ALL;
    l->fn = fn;
    l->ud = ud;
    l->refs = 1;
    pthread_mutex_lock(&e->mu);
    if (e->n == e->cap) {
        size_t ncap = e->cap ? e->cap * 2 : 8;
        listener **grown = NULL;
        if (ncap <= SIZE_MAX / sizeof *grown)
            grown = rsdk__realloc(e->items, ncap * sizeof *grown);
        if (!grown) {
            pthread_mutex_unlock(&e->mu);
            rsdk__free(l);
            return RSDK_ERR_NOMEM;
        }
        e->items = grown;
        e->cap = ncap;
    }
    l->id = e->next_id++;
    e->items[e->n++] = l;
    recompute_wanted(e);
    /* Stored before unlocking: another thread may call the listener as soon
     * as the lock is released, and the listener may want its own id. */
    if (id) *id = l->id;
    pthread_mutex_unlock(&e->mu);
    return RSDK_OK;
}

static size_t own_frames(const listener *l) {
    size_t n = 0;
    for (const frame *f = tl_frames; f; f = f->prev)
        if (f->l == l) n++;
    return n;
}

rsdk_status rsdk_events_unsubscribe(rsdk_events *e, uint64_t id) {
    if (!e || id == 0) return RSDK_ERR_INVALID_ARG;
    pthread_mutex_lock(&e->mu);
    size_t i = 0;
    while (i < e->n && e->items[i]->id != id) i++;
    if (i == e->n) {
        pthread_mutex_unlock(&e->mu);
        return RSDK_ERR_INVALID_ARG;
    }
    listener *l = e->items[i];
    memmove(&e->items[i], &e->items[i + 1], (e->n - i - 1) * sizeof *e->items);
    e->n--;
    l->removed = true;
    recompute_wanted(e);
    /* Keep `l` alive while we wait on it, then drop both references. */
    l->refs++;
    size_t mine = own_frames(l);
    while (l->active > mine) pthread_cond_wait(&e->idle, &e->mu);
    unref(l);
    unref(l);
    pthread_mutex_unlock(&e->mu);
    return RSDK_OK;
}

/* Index of the first listener whose id is above `after` (binary search). */
static size_t first_after(const rsdk_events *e, uint64_t after) {
    size_t lo = 0, hi = e->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (e->items[mid]->id <= after) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static void call_one(rsdk_events *e, listener *l, const rsdk_event *ev) {
    pthread_mutex_lock(&e->mu);
    bool run = !l->removed;
    if (run) l->active++;
    pthread_mutex_unlock(&e->mu);
    if (run) {
        frame f = {l, tl_frames};
        tl_frames = &f;
        l->fn(ev, l->ud);
        tl_frames = f.prev;
    }
    pthread_mutex_lock(&e->mu);
    if (run) {
        l->active--;
        if (l->removed) pthread_cond_broadcast(&e->idle);
    }
    unref(l);
    pthread_mutex_unlock(&e->mu);
}

void rsdk_events_emit(rsdk_events *e, const rsdk_event *ev) {
    if (!e || !ev || !rsdk_events_wants(e, ev->type)) return;
    rsdk_event copy = *ev;
    if (copy.time_us == 0) copy.time_us = now_us();

    uint64_t last = 0, max_id = 0;
    bool first = true;
    for (;;) {
        listener *batch[CHUNK];
        size_t nb = 0;
        pthread_mutex_lock(&e->mu);
        /* Listeners added after the dispatch began are left out. */
        if (first) {
            max_id = e->next_id - 1;
            first = false;
        }
        for (size_t i = first_after(e, last); i < e->n && nb < CHUNK; i++) {
            listener *l = e->items[i];
            if (l->id > max_id) break;
            last = l->id;
            if (!mask_has(l->mask, copy.type)) continue;
            l->refs++;
            batch[nb++] = l;
        }
        pthread_mutex_unlock(&e->mu);
        if (nb == 0) break;
        for (size_t i = 0; i < nb; i++) call_one(e, batch[i], &copy);
    }
}

bool rsdk_events_wants(const rsdk_events *e, rsdk_event_type type) {
    if (!e) return false;
    return mask_has(atomic_load_explicit(&((rsdk_events *)e)->wanted, memory_order_relaxed), type);
}

size_t rsdk_events_count(const rsdk_events *e) {
    if (!e) return 0;
    rsdk_events *m = (rsdk_events *)e;
    pthread_mutex_lock(&m->mu);
    size_t n = m->n;
    pthread_mutex_unlock(&m->mu);
    return n;
}

const char *rsdk_event_type_str(rsdk_event_type type) {
    switch (type) {
    case RSDK_EVENT_CONNECTED: return "connected";
    case RSDK_EVENT_DISCONNECTED: return "disconnected";
    case RSDK_EVENT_RECONNECT_ATTEMPT: return "reconnect_attempt";
    case RSDK_EVENT_POOL_ACQUIRE: return "pool_acquire";
    case RSDK_EVENT_POOL_RELEASE: return "pool_release";
    case RSDK_EVENT_REAUTH_REQUIRED: return "reauth_required";
    case RSDK_EVENT_REAUTH_SUCCEEDED: return "reauth_succeeded";
    case RSDK_EVENT_REAUTH_FAILED: return "reauth_failed";
    case RSDK_EVENT_TOKEN_REFRESHED: return "token_refreshed";
    case RSDK_EVENT_TOKEN_REFRESH_FAILED: return "token_refresh_failed";
    case RSDK_EVENT_CREDENTIALS_CHANGED: return "credentials_changed";
    case RSDK_EVENT_PUSH: return "push";
    case RSDK_EVENT_COMMAND_COMPLETED: return "command_completed";
    }
    return "unknown";
}
