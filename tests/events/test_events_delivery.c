/* Events: typed delivery, masks, ordering, timestamps and unsubscribe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rsdk/error.h"
#include "rsdk/events.h"
#include "support/session_util.h"

static tu_recorder rec_all, rec_conn, rec_some;

static int setup(void **st) {
    rsdk_events *e;
    if (rsdk_events_new(&e) != RSDK_OK) return -1;
    tu_recorder_init(&rec_all);
    tu_recorder_init(&rec_conn);
    tu_recorder_init(&rec_some);
    *st = e;
    return 0;
}

static int teardown(void **st) {
    rsdk_events_free(*st);
    tu_recorder_deinit(&rec_all);
    tu_recorder_deinit(&rec_conn);
    tu_recorder_deinit(&rec_some);
    return 0;
}

static rsdk_event mk(rsdk_event_type t) {
    rsdk_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = t;
    return ev;
}

static void masks_select_types(void **st) {
    rsdk_events *e = *st;
    assert_int_equal(rsdk_events_subscribe(e, 0, tu_recorder_fn, &rec_all, NULL), RSDK_OK);
    assert_int_equal(rsdk_events_subscribe(e, RSDK_EVENT_MASK(RSDK_EVENT_CONNECTED),
                                           tu_recorder_fn, &rec_conn, NULL),
                     RSDK_OK);
    assert_int_equal(rsdk_events_subscribe(e,
                                           RSDK_EVENT_MASK(RSDK_EVENT_DISCONNECTED) |
                                               RSDK_EVENT_MASK(RSDK_EVENT_PUSH),
                                           tu_recorder_fn, &rec_some, NULL),
                     RSDK_OK);
    assert_int_equal(rsdk_events_count(e), 3);
    for (int t = RSDK_EVENT_CONNECTED; t <= RSDK_EVENT_TYPE_MAX; t++) {
        rsdk_event ev = mk((rsdk_event_type)t);
        rsdk_events_emit(e, &ev);
    }
    assert_int_equal(rec_all.n, RSDK_EVENT_TYPE_MAX);
    assert_int_equal(rec_conn.n, 1);
    assert_int_equal(rec_conn.rec[0].ev.type, RSDK_EVENT_CONNECTED);
    assert_int_equal(rec_some.n, 2);
    assert_int_equal(rec_some.rec[0].ev.type, RSDK_EVENT_DISCONNECTED);
    assert_int_equal(rec_some.rec[1].ev.type, RSDK_EVENT_PUSH);
    for (int t = RSDK_EVENT_CONNECTED; t <= RSDK_EVENT_TYPE_MAX; t++)
        assert_true(rsdk_events_wants(e, (rsdk_event_type)t));
}

static void payloads_arrive_intact(void **st) {
    rsdk_events *e = *st;
    assert_int_equal(rsdk_events_subscribe(e, 0, tu_recorder_fn, &rec_all, NULL), RSDK_OK);
    static const char endpoint[] = "127.0.0.1:6379";
    int source_obj;
    rsdk_event ev = mk(RSDK_EVENT_DISCONNECTED);
    ev.source = &source_obj;
    ev.disconnected.endpoint = endpoint;
    ev.disconnected.cause = RSDK_ERR_EOF;
    ev.disconnected.message = "connection closed by peer";
    rsdk_events_emit(e, &ev);

    ev = mk(RSDK_EVENT_COMMAND_COMPLETED);
    ev.command.name = "GET";
    ev.command.latency_us = 1234;
    ev.command.status = RSDK_ERR_WRONGTYPE;
    rsdk_events_emit(e, &ev);

    rsdk_reply push;
    memset(&push, 0, sizeof push);
    push.type = RSDK_REPLY_PUSH;
    ev = mk(RSDK_EVENT_PUSH);
    ev.push.reply = &push;
    rsdk_events_emit(e, &ev);

    ev = mk(RSDK_EVENT_RECONNECT_ATTEMPT);
    ev.reconnect.attempt = 3;
    ev.reconnect.delay_ms = 40;
    rsdk_events_emit(e, &ev);

    ev = mk(RSDK_EVENT_TOKEN_REFRESHED);
    ev.token_refreshed.expires_at_ms = 1700000000000LL;
    ev.token_refreshed.generation = 7;
    rsdk_events_emit(e, &ev);

    assert_int_equal(rec_all.n, 5);
    const rsdk_event *r = &rec_all.rec[0].ev;
    assert_ptr_equal(r->source, &source_obj);
    assert_ptr_equal(r->disconnected.endpoint, endpoint);
    assert_int_equal(r->disconnected.cause, RSDK_ERR_EOF);
    r = &rec_all.rec[1].ev;
    assert_string_equal(r->command.name, "GET");
    assert_int_equal(r->command.latency_us, 1234);
    assert_int_equal(r->command.status, RSDK_ERR_WRONGTYPE);
    assert_ptr_equal(rec_all.rec[2].ev.push.reply, &push); /* borrowed, not copied */
    assert_int_equal(rec_all.rec[3].ev.reconnect.attempt, 3);
    assert_int_equal(rec_all.rec[3].ev.reconnect.delay_ms, 40);
    assert_int_equal(rec_all.rec[4].ev.token_refreshed.expires_at_ms, 1700000000000LL);
    assert_int_equal(rec_all.rec[4].ev.token_refreshed.generation, 7);
}

static void timestamps_are_filled_when_missing(void **st) {
    rsdk_events *e = *st;
    assert_int_equal(rsdk_events_subscribe(e, 0, tu_recorder_fn, &rec_all, NULL), RSDK_OK);
    int64_t before = tu_wall_ms() * 1000;
    rsdk_event ev = mk(RSDK_EVENT_CONNECTED);
    rsdk_events_emit(e, &ev);
    int64_t after = (tu_wall_ms() + 1) * 1000;
    ev.time_us = 42;
    rsdk_events_emit(e, &ev);
    assert_int_equal(ev.time_us, 42); /* the emitter's event is not modified */
    assert_true(rec_all.rec[0].ev.time_us >= before && rec_all.rec[0].ev.time_us <= after);
    assert_int_equal(rec_all.rec[1].ev.time_us, 42);
}

typedef struct {
    int *log;
    int *n;
    int tag;
} order_ud;

static void order_fn(const rsdk_event *ev, void *ud) {
    (void)ev;
    order_ud *o = ud;
    o->log[(*o->n)++] = o->tag;
}

static void listeners_run_in_registration_order(void **st) {
    rsdk_events *e = *st;
    int log[64], n = 0;
    order_ud uds[40];
    uint64_t ids[40];
    /* More listeners than one dispatch chunk. */
    for (int i = 0; i < 40; i++) {
        uds[i] = (order_ud){log, &n, i};
        assert_int_equal(rsdk_events_subscribe(e, 0, order_fn, &uds[i], &ids[i]), RSDK_OK);
    }
    rsdk_event ev = mk(RSDK_EVENT_CONNECTED);
    rsdk_events_emit(e, &ev);
    assert_int_equal(n, 40);
    for (int i = 0; i < 40; i++) assert_int_equal(log[i], i);
    for (int i = 0; i < 40; i += 2) assert_int_equal(rsdk_events_unsubscribe(e, ids[i]), RSDK_OK);
    n = 0;
    rsdk_events_emit(e, &ev);
    assert_int_equal(n, 20);
    for (int i = 0; i < 20; i++) assert_int_equal(log[i], 2 * i + 1);
}

static void unsubscribed_listeners_hear_nothing(void **st) {
    rsdk_events *e = *st;
    uint64_t id = 0;
    assert_int_equal(rsdk_events_subscribe(e, RSDK_EVENT_MASK(RSDK_EVENT_PUSH), tu_recorder_fn,
                                           &rec_all, &id),
                     RSDK_OK);
    assert_true(id != 0);
    assert_true(rsdk_events_wants(e, RSDK_EVENT_PUSH));
    assert_false(rsdk_events_wants(e, RSDK_EVENT_CONNECTED));
    rsdk_event ev = mk(RSDK_EVENT_PUSH);
    rsdk_events_emit(e, &ev);
    assert_int_equal(rsdk_events_unsubscribe(e, id), RSDK_OK);
    assert_int_equal(rsdk_events_unsubscribe(e, id), RSDK_ERR_INVALID_ARG);
    rsdk_events_emit(e, &ev);
    assert_int_equal(rec_all.n, 1);
    assert_false(rsdk_events_wants(e, RSDK_EVENT_PUSH));
    assert_int_equal(rsdk_events_count(e), 0);
}

static void bad_input_is_rejected(void **st) {
    rsdk_events *e = *st;
    uint64_t id = 99;
    assert_int_equal(rsdk_events_new(NULL), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_events_subscribe(NULL, 0, tu_recorder_fn, NULL, &id), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_events_subscribe(e, 0, NULL, NULL, &id), RSDK_ERR_INVALID_ARG);
    assert_int_equal(id, 99);
    assert_int_equal(rsdk_events_unsubscribe(e, 0), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_events_unsubscribe(e, 12345), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_events_unsubscribe(NULL, 1), RSDK_ERR_INVALID_ARG);
    rsdk_event ev = mk(RSDK_EVENT_CONNECTED);
    rsdk_events_emit(NULL, &ev);
    rsdk_events_emit(e, NULL);
    /* Types outside the mask range are delivered to no one, without harm. */
    assert_int_equal(rsdk_events_subscribe(e, 0, tu_recorder_fn, &rec_all, NULL), RSDK_OK);
    ev.type = (rsdk_event_type)77;
    rsdk_events_emit(e, &ev);
    assert_int_equal(rec_all.n, 0);
    assert_false(rsdk_events_wants(NULL, RSDK_EVENT_CONNECTED));
    assert_int_equal(rsdk_events_count(NULL), 0);
    rsdk_events_free(NULL);
}

static void types_have_names(void **st) {
    (void)st;
    assert_string_equal(rsdk_event_type_str(RSDK_EVENT_CONNECTED), "connected");
    assert_string_equal(rsdk_event_type_str(RSDK_EVENT_TOKEN_REFRESHED), "token_refreshed");
    assert_string_equal(rsdk_event_type_str(RSDK_EVENT_COMMAND_COMPLETED), "command_completed");
    assert_string_equal(rsdk_event_type_str((rsdk_event_type)0), "unknown");
    for (int t = RSDK_EVENT_CONNECTED; t <= RSDK_EVENT_TYPE_MAX; t++)
        assert_string_not_equal(rsdk_event_type_str((rsdk_event_type)t), "unknown");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(masks_select_types, setup, teardown),
        cmocka_unit_test_setup_teardown(payloads_arrive_intact, setup, teardown),
        cmocka_unit_test_setup_teardown(timestamps_are_filled_when_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(listeners_run_in_registration_order, setup, teardown),
        cmocka_unit_test_setup_teardown(unsubscribed_listeners_hear_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_input_is_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(types_have_names, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
