/* Events: listeners may call back into the dispatcher — emit, subscribe,
 * unsubscribe others or themselves — without deadlock, and unsubscribe waits
 * for a call running on another thread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdatomic.h>

#include "rsdk/error.h"
#include "rsdk/events.h"
#include "support/session_util.h"

static rsdk_event mk(rsdk_event_type t) {
    rsdk_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = t;
    return ev;
}

typedef struct {
    rsdk_events *e;
    uint64_t self_id;
    uint64_t other_id;
    int calls;
    int other_calls;
    tu_recorder *rec;
} ctx;

static void self_remover(const rsdk_event *ev, void *ud) {
    (void)ev;
    ctx *c = ud;
    c->calls++;
    assert_int_equal(rsdk_events_unsubscribe(c->e, c->self_id), RSDK_OK);
}

static void a_listener_can_unsubscribe_itself(void **st) {
    (void)st;
    ctx c = {0};
    assert_int_equal(rsdk_events_new(&c.e), RSDK_OK);
    assert_int_equal(rsdk_events_subscribe(c.e, 0, self_remover, &c, &c.self_id), RSDK_OK);
    rsdk_event ev = mk(RSDK_EVENT_CONNECTED);
    for (int i = 0; i < 3; i++) rsdk_events_emit(c.e, &ev);
    assert_int_equal(c.calls, 1);
    assert_int_equal(rsdk_events_count(c.e), 0);
    rsdk_events_free(c.e);
}

static void counter(const rsdk_event *ev, void *ud) {
    (void)ev;
    (*(int *)ud)++;
}

static void other_remover(const rsdk_event *ev, void *ud) {
    (void)ev;
    ctx *c = ud;
    c->calls++;
    if (c->other_id) {
        assert_int_equal(rsdk_events_unsubscribe(c->e, c->other_id), RSDK_OK);
        c->other_id = 0;
    }
}

static void a_listener_can_unsubscribe_a_later_one_mid_dispatch(void **st) {
    (void)st;
    ctx c = {0};
    assert_int_equal(rsdk_events_new(&c.e), RSDK_OK);
    assert_int_equal(rsdk_events_subscribe(c.e, 0, other_remover, &c, NULL), RSDK_OK);
    assert_int_equal(rsdk_events_subscribe(c.e, 0, counter, &c.other_calls, &c.other_id), RSDK_OK);
    rsdk_event ev = mk(RSDK_EVENT_CONNECTED);
    rsdk_events_emit(c.e, &ev);
    rsdk_events_emit(c.e, &ev);
    assert_int_equal(c.calls, 2);
    assert_int_equal(c.other_calls, 0); /* removed before its turn came */
    rsdk_events_free(c.e);
}

static void adder(const rsdk_event *ev, void *ud) {
    (void)ev;
    ctx *c = ud;
    c->calls++;
    if (!c->other_id)
        assert_int_equal(rsdk_events_subscribe(c->e, 0, counter, &c->other_calls, &c->other_id),
                         RSDK_OK);
}

static void a_listener_added_mid_dispatch_waits_for_the_next_event(void **st) {
    (void)st;
    ctx c = {0};
    assert_int_equal(rsdk_events_new(&c.e), RSDK_OK);
    assert_int_equal(rsdk_events_subscribe(c.e, 0, adder, &c, NULL), RSDK_OK);
    rsdk_event ev = mk(RSDK_EVENT_CONNECTED);
    rsdk_events_emit(c.e, &ev);
    assert_int_equal(c.other_calls, 0);
    rsdk_events_emit(c.e, &ev);
    assert_int_equal(c.other_calls, 1);
    assert_int_equal(rsdk_events_count(c.e), 2);
    rsdk_events_free(c.e);
}

static void forwarder(const rsdk_event *ev, void *ud) {
    ctx *c = ud;
    c->calls++;
    /* Nested emit of another type, which lands in the recorder. */
    rsdk_event nested = mk(RSDK_EVENT_COMMAND_COMPLETED);
    nested.command.latency_us = (uint64_t)ev->type;
    rsdk_events_emit(c->e, &nested);
}

static void a_listener_can_emit(void **st) {
    (void)st;
    static tu_recorder rec;
    tu_recorder_init(&rec);
    ctx c = {0};
    assert_int_equal(rsdk_events_new(&c.e), RSDK_OK);
    assert_int_equal(rsdk_events_subscribe(c.e, RSDK_EVENT_MASK(RSDK_EVENT_CONNECTED), forwarder,
                                           &c, NULL),
                     RSDK_OK);
    assert_int_equal(rsdk_events_subscribe(c.e, RSDK_EVENT_MASK(RSDK_EVENT_COMMAND_COMPLETED),
                                           tu_recorder_fn, &rec, NULL),
                     RSDK_OK);
    rsdk_event ev = mk(RSDK_EVENT_CONNECTED);
    rsdk_events_emit(c.e, &ev);
    assert_int_equal(c.calls, 1);
    assert_int_equal(rec.n, 1);
    assert_int_equal(rec.rec[0].ev.command.latency_us, RSDK_EVENT_CONNECTED);
    rsdk_events_free(c.e);
    tu_recorder_deinit(&rec);
}

/* ---- unsubscribe waits for a call on another thread ----------------------- */

typedef struct {
    rsdk_events *e;
    atomic_int entered;
    atomic_int finished;
} slow_ctx;

static void slow_listener(const rsdk_event *ev, void *ud) {
    (void)ev;
    slow_ctx *s = ud;
    atomic_store(&s->entered, 1);
    tu_sleep_ms(150);
    atomic_store(&s->finished, 1);
}

static void *emit_once(void *arg) {
    slow_ctx *s = arg;
    rsdk_event ev = mk(RSDK_EVENT_CONNECTED);
    rsdk_events_emit(s->e, &ev);
    return NULL;
}

static void unsubscribe_waits_for_a_running_call(void **st) {
    (void)st;
    slow_ctx s;
    memset(&s, 0, sizeof s);
    assert_int_equal(rsdk_events_new(&s.e), RSDK_OK);
    uint64_t id;
    assert_int_equal(rsdk_events_subscribe(s.e, 0, slow_listener, &s, &id), RSDK_OK);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, emit_once, &s), 0);
    while (!atomic_load(&s.entered)) tu_sleep_ms(1);
    assert_int_equal(rsdk_events_unsubscribe(s.e, id), RSDK_OK);
    /* The call that was running when we unsubscribed has finished. */
    assert_int_equal(atomic_load(&s.finished), 1);
    pthread_join(t, NULL);
    rsdk_events_free(s.e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_listener_can_unsubscribe_itself),
        cmocka_unit_test(a_listener_can_unsubscribe_a_later_one_mid_dispatch),
        cmocka_unit_test(a_listener_added_mid_dispatch_waits_for_the_next_event),
        cmocka_unit_test(a_listener_can_emit),
        cmocka_unit_test(unsubscribe_waits_for_a_running_call),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
