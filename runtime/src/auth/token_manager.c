/* Token manager: keeps a short-lived token fresh on its own thread.
 *
 * Times inside are CLOCK_MONOTONIC milliseconds, so a wall-clock jump cannot
 * make the manager refresh in a burst or sleep past expiry; the token's
 * wall-clock expiry is converted once, when the token arrives. The condition
 * variable waits on the same clock, and stop/refresh_now signal it, so the
 * thread reacts at once instead of at its next timeout. */
#include <pthread.h>
#include <time.h>

#include "alloc.h"
#include "cred_provider.h"
#include "rsdk/credentials.h"
#include "token_schedule.h"

#define NEVER INT64_MAX
/* Longer lifetimes are treated as this (~100 years), which keeps every
 * monotonic deadline and the ratio product far from overflow. */
#define MAX_LIFETIME_MS (100LL * 366 * 24 * 3600 * 1000)

struct rsdk_token_manager {
    rsdk_token_opts o;
    rsdk_credentials_provider *provider; /* owned; its ops read `current` */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    bool thread_live;  /* created and not yet joined */
    bool starting;     /* a start() is fetching its first token */
    bool stop;
    bool refresh_now;
    bool had_token;    /* a token was ever installed (next ones bump generation) */
    rsdk_credentials current;
    int64_t expires_mono; /* 0 = the token never expires */
    int64_t next_at;      /* next fetch; NEVER when none is planned */
    rsdk_backoff backoff;
    uint32_t failures;    /* consecutive failed fetches */
    rsdk_status last_failure;
    char last_message[256]; /* the last failed fetch's error text */
    bool gave_up;
    bool terminal_sent;   /* the terminal failure of this incident was reported */
};

static int64_t mono_ms(void) {
    struct timespec ts = {0, 0};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t wall_ms(void) {
    struct timespec ts = {0, 0};
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void rsdk_token_opts_init(rsdk_token_opts *o) {
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->refresh_ratio = 0.7;
    o->min_lead_ms = 10000;
    o->max_retries = -1;
    o->retry_backoff.kind = RSDK_BACKOFF_EQUAL_JITTER;
    o->retry_backoff.base_ms = 100;
    o->retry_backoff.cap_ms = 10000;
}

/* A token shorter than the lead is refreshed by the ratio alone (refreshing
 * at once would loop); the 1 ms floor keeps a degenerate token from making
 * the thread spin. */
int64_t rsdk__token_refresh_delay_ms(int64_t lifetime, double ratio, uint32_t lead) {
    if (lifetime > MAX_LIFETIME_MS) lifetime = MAX_LIFETIME_MS;
    int64_t d = (int64_t)(ratio * (double)lifetime);
    if (lifetime > (int64_t)lead && lifetime - (int64_t)lead < d) d = lifetime - (int64_t)lead;
    return d < 1 ? 1 : d;
}

/* ---- the provider face ------------------------------------------------------ */

static rsdk_status tm_get(void *self, rsdk_credentials *out, rsdk_error *err) {
    rsdk_token_manager *tm = self;
    rsdk_status st;
    pthread_mutex_lock(&tm->mu);
    if (!tm->current.password) {
        st = rsdk_error_set(err, RSDK_ERR_CREDENTIALS, 0, "no token has been fetched yet");
    } else if (tm->expires_mono && mono_ms() >= tm->expires_mono) {
        st = rsdk_error_set(err, RSDK_ERR_CREDENTIALS, 0, "token expired and was not refreshed");
    } else {
        const rsdk_credentials *c = &tm->current;
        rsdk_str user = c->username ? rsdk_str_n(c->username, c->username_len) : rsdk_str_n(NULL, 0);
        st = rsdk_credentials_set(out, user, rsdk_str_n(c->password, c->password_len),
                                  c->expires_at_ms);
    }
    pthread_mutex_unlock(&tm->mu);
    return st;
}

/* ---- fetching --------------------------------------------------------------- */

/* Calls the fetch function with no lock held and validates what it gave. */
static rsdk_status fetch_once(rsdk_token_manager *tm, rsdk_credentials *fresh, rsdk_error *err) {
    rsdk_credentials tmp = {0};
    rsdk_error e;
    rsdk_error_clear(&e);
    rsdk_status st = tm->o.fetch(&tmp, &e, tm->o.fetch_ud);
    if (st == RSDK_OK && !tmp.password)
        st = rsdk_error_set(&e, RSDK_ERR_CREDENTIALS, 0, "token fetch returned no token");
    if (st == RSDK_OK && tmp.expires_at_ms != 0 && tmp.expires_at_ms <= wall_ms())
        st = rsdk_error_set(&e, RSDK_ERR_CREDENTIALS, 0, "token fetch returned an expired token");
    if (st != RSDK_OK) {
        rsdk_credentials_deinit(&tmp);
        if (e.code == RSDK_OK) rsdk_error_set(&e, st, 0, "token fetch failed: %s", rsdk_status_str(st));
        e.code = st;
        if (err) *err = e;
        return st;
    }
    *fresh = tmp;
    return RSDK_OK;
}

/* Installs a new token (under mu) and plans its refresh. Returns whether the
 * provider generation must be bumped (every token after the first). */
static bool install(rsdk_token_manager *tm, rsdk_credentials *fresh) {
    int64_t now = mono_ms();
    rsdk_credentials_deinit(&tm->current);
    tm->current = *fresh;
    memset(fresh, 0, sizeof *fresh);
    if (tm->current.expires_at_ms == 0) {
        tm->expires_mono = 0;
        tm->next_at = NEVER;
    } else {
        int64_t lifetime = tm->current.expires_at_ms - wall_ms();
        if (lifetime < 1) lifetime = 1;
        if (lifetime > MAX_LIFETIME_MS) lifetime = MAX_LIFETIME_MS;
        tm->expires_mono = now + lifetime;
        tm->next_at =
            now + rsdk__token_refresh_delay_ms(lifetime, tm->o.refresh_ratio, tm->o.min_lead_ms);
    }
    tm->failures = 0;
    tm->gave_up = false;
    tm->terminal_sent = false;
    rsdk_backoff_reset(&tm->backoff);
    bool bump = tm->had_token;
    tm->had_token = true;
    return bump;
}

/* Announces a new token; called with mu NOT held (listeners may call get). */
static void announce(rsdk_token_manager *tm, bool bump, int64_t expires_at_ms) {
    uint64_t gen = bump ? rsdk_credentials_provider_notify(tm->provider)
                        : rsdk_credentials_provider_generation(tm->provider);
    rsdk_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = RSDK_EVENT_TOKEN_REFRESHED;
    ev.source = tm;
    ev.token_refreshed.expires_at_ms = expires_at_ms;
    ev.token_refreshed.generation = gen;
    rsdk_events_emit(tm->o.events, &ev);
}

static rsdk_event failure_event(const rsdk_token_manager *tm, int64_t now, bool terminal) {
    rsdk_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = RSDK_EVENT_TOKEN_REFRESH_FAILED;
    ev.source = tm;
    ev.token_failed.status = tm->last_failure;
    ev.token_failed.attempt = tm->failures;
    ev.token_failed.will_retry = !tm->gave_up;
    int64_t in = tm->gave_up || tm->next_at == NEVER ? 0 : tm->next_at - now;
    ev.token_failed.retry_in_ms = in < 0 ? 0 : in > UINT32_MAX ? UINT32_MAX : (uint32_t)in;
    ev.token_failed.terminal = terminal;
    ev.token_failed.message = tm->last_message[0] ? tm->last_message : NULL;
    return ev;
}

/* One refresh on the thread: called and returns with mu held. */
static void refresh(rsdk_token_manager *tm) {
    rsdk_credentials fresh = {0};
    rsdk_error e;
    rsdk_error_clear(&e);
    pthread_mutex_unlock(&tm->mu);
    rsdk_status st = fetch_once(tm, &fresh, &e);
    int64_t hint = st != RSDK_OK && tm->o.retry_hint ? tm->o.retry_hint(st, tm->o.fetch_ud) : 0;
    pthread_mutex_lock(&tm->mu);
    if (tm->stop) {
        rsdk_credentials_deinit(&fresh);
        return;
    }
    if (st == RSDK_OK) {
        int64_t expires_at = fresh.expires_at_ms;
        bool bump = install(tm, &fresh);
        pthread_mutex_unlock(&tm->mu);
        announce(tm, bump, expires_at);
        pthread_mutex_lock(&tm->mu);
        return;
    }
    int64_t now = mono_ms();
    tm->last_failure = st;
    memcpy(tm->last_message, e.message, sizeof tm->last_message);
    if (tm->failures < UINT32_MAX) tm->failures++;
    bool terminal = false;
    bool out_of_retries = tm->o.max_retries >= 0 && tm->failures > (uint32_t)tm->o.max_retries;
    if (out_of_retries || hint == RSDK_TOKEN_GIVE_UP) {
        tm->gave_up = true;
        tm->next_at = NEVER;
        terminal = true;
    } else {
        int64_t wait = rsdk_backoff_next(&tm->backoff);
        if (hint > wait) wait = hint > MAX_LIFETIME_MS ? MAX_LIFETIME_MS : hint;
        tm->next_at = now + wait;
    }
    if (tm->expires_mono && now >= tm->expires_mono) terminal = true;
    /* Terminal is reported once per incident; later failures are plain. */
    if (terminal && tm->terminal_sent) terminal = false;
    if (terminal) tm->terminal_sent = true;
    rsdk_event ev = failure_event(tm, now, terminal);
    pthread_mutex_unlock(&tm->mu);
    rsdk_events_emit(tm->o.events, &ev);
    pthread_mutex_lock(&tm->mu);
}

static void wait_until(rsdk_token_manager *tm, int64_t wake) {
    if (wake == NEVER) {
        pthread_cond_wait(&tm->cv, &tm->mu);
        return;
    }
    struct timespec ts = {(time_t)(wake / 1000), (long)(wake % 1000) * 1000000L};
    pthread_cond_timedwait(&tm->cv, &tm->mu, &ts);
}

static void *run(void *arg) {
    rsdk_token_manager *tm = arg;
    pthread_mutex_lock(&tm->mu);
    while (!tm->stop) {
        if (tm->refresh_now) {
            tm->refresh_now = false;
            refresh(tm);
            continue;
        }
        int64_t now = mono_ms();
        bool failing = tm->failures > 0 && tm->expires_mono && !tm->terminal_sent;
        if (failing && now >= tm->expires_mono) {
            /* The token ran out while refreshes keep failing. */
            tm->terminal_sent = true;
            rsdk_event ev = failure_event(tm, now, true);
            pthread_mutex_unlock(&tm->mu);
            rsdk_events_emit(tm->o.events, &ev);
            pthread_mutex_lock(&tm->mu);
            continue;
        }
        int64_t wake = tm->gave_up ? NEVER : tm->next_at;
        if (failing && tm->expires_mono < wake) wake = tm->expires_mono;
        if (now < wake) {
            wait_until(tm, wake);
            continue;
        }
        refresh(tm);
    }
    pthread_mutex_unlock(&tm->mu);
    return NULL;
}

/* ---- lifecycle -------------------------------------------------------------- */

rsdk_status rsdk_token_manager_new(const rsdk_token_opts *o, rsdk_token_manager **out) {
    if (!o || !out || !o->fetch || !(o->refresh_ratio > 0.0 && o->refresh_ratio <= 1.0))
        return RSDK_ERR_INVALID_ARG;
    rsdk_backoff b;
    uint64_t seed = o->seed ? o->seed : rsdk_backoff_seed_auto();
    if (rsdk_backoff_init_opts(&b, &o->retry_backoff, seed) != RSDK_OK)
        return RSDK_ERR_INVALID_ARG;
    rsdk_token_manager *tm = rsdk__calloc(1, sizeof *tm);
    if (!tm) return RSDK_ERR_NOMEM;
    tm->o = *o;
    tm->backoff = b;
    tm->next_at = NEVER;
    pthread_condattr_t ca;
    bool ca_ok = pthread_condattr_init(&ca) == 0;
    bool ok = ca_ok && pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0;
    bool cv_ok = ok && pthread_cond_init(&tm->cv, &ca) == 0;
    if (ca_ok) pthread_condattr_destroy(&ca);
    bool mu_ok = cv_ok && pthread_mutex_init(&tm->mu, NULL) == 0;
    static const rsdk_credentials_provider_ops ops = {tm_get, NULL};
    rsdk_status st = mu_ok ? rsdk__credentials_provider_new_owned(&ops, tm, &tm->provider)
                           : RSDK_ERR_NOMEM;
    if (st != RSDK_OK) {
        if (mu_ok) pthread_mutex_destroy(&tm->mu);
        if (cv_ok) pthread_cond_destroy(&tm->cv);
        rsdk__free(tm);
        return st;
    }
    *out = tm;
    return RSDK_OK;
}

rsdk_status rsdk_token_manager_start(rsdk_token_manager *tm, rsdk_error *err) {
    if (!tm) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "no token manager");
    pthread_mutex_lock(&tm->mu);
    if (tm->thread_live || tm->starting) {
        pthread_mutex_unlock(&tm->mu);
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "token manager already started");
    }
    tm->starting = true;
    pthread_mutex_unlock(&tm->mu);

    rsdk_credentials fresh = {0};
    rsdk_status st = fetch_once(tm, &fresh, err);

    pthread_mutex_lock(&tm->mu);
    tm->starting = false;
    if (st != RSDK_OK) {
        pthread_mutex_unlock(&tm->mu);
        return st;
    }
    int64_t expires_at = fresh.expires_at_ms;
    bool bump = install(tm, &fresh);
    tm->stop = false;
    tm->refresh_now = false;
    if (pthread_create(&tm->thread, NULL, run, tm) != 0) {
        pthread_mutex_unlock(&tm->mu);
        announce(tm, bump, expires_at);
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "could not start the token refresh thread");
    }
    tm->thread_live = true;
    pthread_mutex_unlock(&tm->mu);
    announce(tm, bump, expires_at);
    return RSDK_OK;
}

void rsdk_token_manager_stop(rsdk_token_manager *tm) {
    if (!tm) return;
    pthread_mutex_lock(&tm->mu);
    if (!tm->thread_live) {
        pthread_mutex_unlock(&tm->mu);
        return;
    }
    tm->stop = true;
    pthread_cond_broadcast(&tm->cv);
    if (pthread_equal(pthread_self(), tm->thread)) {
        /* From a listener on the manager's thread: joining would deadlock. */
        pthread_mutex_unlock(&tm->mu);
        return;
    }
    pthread_t t = tm->thread;
    tm->thread_live = false;
    pthread_mutex_unlock(&tm->mu);
    pthread_join(t, NULL);
}

rsdk_status rsdk_token_manager_refresh_now(rsdk_token_manager *tm) {
    if (!tm) return RSDK_ERR_INVALID_ARG;
    pthread_mutex_lock(&tm->mu);
    if (!tm->thread_live || tm->stop) {
        pthread_mutex_unlock(&tm->mu);
        return RSDK_ERR_INVALID_ARG;
    }
    tm->refresh_now = true;
    if (tm->gave_up) {
        /* A manual resume starts a new incident with a fresh retry budget. */
        tm->gave_up = false;
        tm->failures = 0;
        tm->terminal_sent = false;
        rsdk_backoff_reset(&tm->backoff);
    }
    pthread_cond_broadcast(&tm->cv);
    pthread_mutex_unlock(&tm->mu);
    return RSDK_OK;
}

rsdk_credentials_provider *rsdk_token_manager_provider(rsdk_token_manager *tm) {
    return tm ? tm->provider : NULL;
}

void rsdk_token_manager_free(rsdk_token_manager *tm) {
    if (!tm) return;
    rsdk_token_manager_stop(tm);
    rsdk__credentials_provider_destroy(tm->provider);
    rsdk_credentials_deinit(&tm->current);
    pthread_cond_destroy(&tm->cv);
    pthread_mutex_destroy(&tm->mu);
    rsdk__wipe(tm, sizeof *tm);
    rsdk__free(tm);
}
