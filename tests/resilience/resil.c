#include "resil.h"

#include <errno.h>
#include <time.h>

long long rs_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void rs_sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

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
    e.at_ms = rs_now_ms();
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

void rs_client_opts(const rsdk_test_server *s, rsdk_client_opts *o, bool use_unix) {
    rsdk_test_server_client_opts(s, o, use_unix);
}

rsdk_reply *rs_cmd(rsdk_client *c, const char *const *argv) {
    int argc = 0;
    while (argv[argc]) argc++;
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command_argv(c, argc, argv, NULL, &r);
    if (s != RSDK_OK)
        fail_msg("%s failed: %s (%s)", argv[0], rsdk_status_name(s), rsdk_client_error(c)->message);
    assert_non_null(r);
    return r;
}

long long rs_get_int(rsdk_client *c, const char *key) {
    rsdk_reply *r = RS_CMD(c, "GET", key);
    long long v = 0;
    if (r->type == RSDK_REPLY_STRING) {
        char buf[32];
        size_t n = r->len < sizeof buf - 1 ? r->len : sizeof buf - 1;
        memcpy(buf, r->str, n);
        buf[n] = '\0';
        v = strtoll(buf, NULL, 10);
    } else {
        assert_int_equal(r->type, RSDK_REPLY_NIL);
    }
    rsdk_reply_free(r);
    return v;
}

rsdk_client *rs_admin(const rsdk_test_server *s) {
    rsdk_client_opts o;
    rsdk_test_server_client_opts(s, &o, true);
    rsdk_client *c = NULL;
    rsdk_error err;
    rsdk_status st = rsdk_client_open(&o, &c, &err);
    if (st) fail_msg("admin client: %s (%s)", rsdk_status_name(st), err.message);
    return c;
}

int rs_setup_with(void **state, const char *const *extra) {
    rsdk_test_server *s = calloc(1, sizeof *s);
    if (!s) return -1;
    switch (rsdk_test_server_start(s, extra)) {
    case RSDK_TEST_SERVER_OK:
        *state = s;
        return 0;
    case RSDK_TEST_SERVER_SKIP:
        free(s);
        *state = NULL;
        return 0;
    default:
        free(s);
        return -1;
    }
}
