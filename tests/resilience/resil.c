/* Helpers shared by the resilience tests. */
#include "resil.h"

static void copy_text(char *dst, size_t cap, const char *src) {
    if (!src) {
        dst[0] = '\0';
        return;
    }
    size_t n = strlen(src);
    if (n >= cap) n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void record(const rsdk_event *ev, void *ud) {
    rs_recorder *r = ud;
    rs_event e;
    memset(&e, 0, sizeof e);
    e.ev = *ev;
    e.source = ev->source;
    e.at_ms = rsdk_test_now_ms();
    switch (ev->type) {
    case RSDK_EVENT_CONNECTED:
        copy_text(e.text, sizeof e.text, ev->connected.endpoint);
        e.ev.connected.endpoint = NULL;
        break;
    case RSDK_EVENT_DISCONNECTED:
        copy_text(e.text, sizeof e.text, ev->disconnected.endpoint);
        e.ev.disconnected.endpoint = NULL;
        e.ev.disconnected.message = NULL;
        break;
    case RSDK_EVENT_RECONNECT_ATTEMPT:
        copy_text(e.text, sizeof e.text, ev->reconnect.endpoint);
        e.ev.reconnect.endpoint = NULL;
        break;
    case RSDK_EVENT_REAUTH_FAILED:
        copy_text(e.text, sizeof e.text, ev->reauth.message);
        e.ev.reauth.message = NULL;
        break;
    case RSDK_EVENT_COMMAND_COMPLETED:
        copy_text(e.text, sizeof e.text, ev->command.name);
        e.ev.command.name = NULL;
        break;
    case RSDK_EVENT_PUSH:
        e.ev.push.reply = NULL;
        break;
    default:
        break;
    }
    pthread_mutex_lock(&r->mu);
    if (r->n < RS_MAX_EVENTS)
        r->ev[r->n++] = e;
    else
        r->dropped++;
    pthread_mutex_unlock(&r->mu);
}

void rs_recorder_init(rs_recorder *r, uint32_t mask) {
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->mu, NULL);
    r->ev = calloc(RS_MAX_EVENTS, sizeof *r->ev);
    assert_non_null(r->ev);
    assert_int_equal(rsdk_events_new(&r->bus), RSDK_OK);
    assert_int_equal(rsdk_events_subscribe(r->bus, mask, record, r, NULL), RSDK_OK);
}

void rs_recorder_deinit(rs_recorder *r) {
    rsdk_events_free(r->bus);
    free(r->ev);
    pthread_mutex_destroy(&r->mu);
}

size_t rs_recorder_count(rs_recorder *r, rsdk_event_type t) {
    pthread_mutex_lock(&r->mu);
    size_t c = 0;
    for (size_t i = 0; i < r->n; i++)
        if (r->ev[i].ev.type == t) c++;
    pthread_mutex_unlock(&r->mu);
    return c;
}

bool rs_recorder_nth(rs_recorder *r, rsdk_event_type t, size_t k, rs_event *out) {
    bool found = false;
    pthread_mutex_lock(&r->mu);
    for (size_t i = 0; i < r->n; i++) {
        if (r->ev[i].ev.type != t) continue;
        if (k-- == 0) {
            *out = r->ev[i];
            found = true;
            break;
        }
    }
    pthread_mutex_unlock(&r->mu);
    return found;
}

void rs_recorder_clear(rs_recorder *r) {
    pthread_mutex_lock(&r->mu);
    r->n = 0;
    r->dropped = 0;
    pthread_mutex_unlock(&r->mu);
}

void rs_pool_opts(const rsdk_test_server *s, rsdk_pool_opts *o, rsdk_client_opts *client,
                  bool use_unix) {
    rsdk_pool_opts_init(o);
    rsdk_test_server_client_opts(s, client, use_unix);
    o->client = client;
    o->max_size = 4;
}

rsdk_pool *rs_pool_open(const rsdk_pool_opts *o) {
    rsdk_pool *p = NULL;
    rsdk_error err;
    rsdk_status s = rsdk_pool_new(o, &p, &err);
    if (s != RSDK_OK) fail_msg("pool: %s (%s)", rsdk_status_name(s), err.message);
    return p;
}

void rs_pool_until_waiting(rsdk_pool *p, size_t n) {
    for (;;) {
        rsdk_pool_stats st;
        rsdk_pool_stats_get(p, &st);
        if (st.waiting == n) return;
        rsdk_test_sleep_ms(1);
    }
}

void rs_crew_start(rs_crew *c, rsdk_pool *p, void *workers, size_t size, int n, void *(*fn)(void *)) {
    assert_true(n > 0 && n <= RS_CREW_MAX);
    c->phase = RS_PHASE_RUN;
    c->n = 0;
    for (int i = 0; i < n; i++) {
        rs_worker *w = (rs_worker *)((char *)workers + (size_t)i * size);
        memset(w, 0, size);
        w->p = p;
        w->id = i;
        w->phase = &c->phase;
        assert_int_equal(pthread_create(&c->t[i], NULL, fn, w), 0);
        c->n++;
    }
}

int rs_worker_phase(const rs_worker *w) { return __atomic_load_n(w->phase, __ATOMIC_ACQUIRE); }

void rs_crew_set_phase(rs_crew *c, int phase) { __atomic_store_n(&c->phase, phase, __ATOMIC_RELEASE); }

void rs_crew_join(rs_crew *c) {
    rs_crew_set_phase(c, RS_PHASE_STOP);
    for (int i = 0; i < c->n; i++) pthread_join(c->t[i], NULL);
    c->n = 0;
}

void *rs_echo_run(void *arg) {
    rs_echo_worker *w = arg;
    char tag[48];
    for (long i = 0;; i++) {
        int ph = rs_worker_phase(&w->base);
        if (ph == RS_PHASE_STOP) break;
        snprintf(tag, sizeof tag, "w%d-%ld", w->base.id, i);
        rsdk_reply *r = NULL;
        rsdk_error err;
        rsdk_status s = rsdk_pool_command(w->base.p, &r, &err, "ECHO", tag, (const char *)NULL);
        if (s == RSDK_OK) {
            if (r->type != RSDK_REPLY_STRING || strcmp(r->str, tag) != 0) w->misdelivered++;
            rsdk_reply_free(r);
            w->ok++;
            if (ph == RS_PHASE_HEALED) w->ok_after++;
            continue;
        }
        w->failed++;
        if (ph == RS_PHASE_HEALED) w->failed_after++;
        if (s == RSDK_ERR_TIMEOUT) w->timeouts++;
        if (rsdk_err_class(s) != RSDK_CLASS_CONNECTION) w->bad_class++;
    }
    return NULL;
}

void rs_crew_heal_and_join(rs_crew *c, long healed_ms) {
    rs_crew_set_phase(c, RS_PHASE_HEALED);
    rsdk_test_sleep_ms(healed_ms);
    rs_crew_join(c);
}
