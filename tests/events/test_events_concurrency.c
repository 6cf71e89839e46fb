/* Events: 8 threads dispatching while others register and unregister. No
 * event to a permanent listener is lost, no listener is called after its
 * unsubscribe returned, nothing deadlocks (alarm) or races (ASan/TSan). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "rsdk/error.h"
#include "rsdk/events.h"
#include "support/session_util.h"

#define EMITTERS 8
#define PER_EMITTER 20000
#define CHURN 1500

static rsdk_events *ev_bus;
static atomic_long commands, reconnects, late_calls, transient_calls;
static atomic_int emitters_done;

static void count_commands(const rsdk_event *ev, void *ud) {
    (void)ud;
    assert_int_equal(ev->type, RSDK_EVENT_COMMAND_COMPLETED);
    atomic_fetch_add(&commands, 1);
}

static void count_reconnects(const rsdk_event *ev, void *ud) {
    (void)ud;
    assert_int_equal(ev->type, RSDK_EVENT_RECONNECT_ATTEMPT);
    atomic_fetch_add(&reconnects, 1);
}

static void *emitter(void *arg) {
    (void)arg;
    for (int i = 0; i < PER_EMITTER; i++) {
        rsdk_event ev;
        memset(&ev, 0, sizeof ev);
        ev.type = i % 2 ? RSDK_EVENT_RECONNECT_ATTEMPT : RSDK_EVENT_COMMAND_COMPLETED;
        ev.command.latency_us = (uint64_t)i;
        rsdk_events_emit(ev_bus, &ev);
    }
    atomic_fetch_add(&emitters_done, 1);
    return NULL;
}

/* A transient listener flagged dead once unsubscribe has returned. */
typedef struct {
    atomic_int dead;
    atomic_long calls;
} transient;

static void transient_fn(const rsdk_event *ev, void *ud) {
    (void)ev;
    transient *t = ud;
    if (atomic_load(&t->dead)) atomic_fetch_add(&late_calls, 1);
    atomic_fetch_add(&t->calls, 1);
    atomic_fetch_add(&transient_calls, 1);
}

static void *churn_flagged(void *arg) {
    (void)arg;
    transient *ts = calloc(CHURN, sizeof *ts);
    assert_non_null(ts);
    for (int i = 0; i < CHURN; i++) {
        uint64_t id;
        assert_int_equal(rsdk_events_subscribe(ev_bus, 0, transient_fn, &ts[i], &id), RSDK_OK);
        if (i % 3 == 0) sched_yield();
        assert_int_equal(rsdk_events_unsubscribe(ev_bus, id), RSDK_OK);
        atomic_store(&ts[i].dead, 1);
    }
    free(ts);
    return NULL;
}

/* Frees the listener's state right after unsubscribe: a late call would be
 * a use-after-free that ASan reports. */
static void *churn_freeing(void *arg) {
    (void)arg;
    for (int i = 0; i < CHURN; i++) {
        transient *t = calloc(1, sizeof *t);
        assert_non_null(t);
        uint64_t id;
        assert_int_equal(rsdk_events_subscribe(ev_bus, RSDK_EVENT_MASK(RSDK_EVENT_COMMAND_COMPLETED),
                                               transient_fn, t, &id),
                         RSDK_OK);
        sched_yield();
        assert_int_equal(rsdk_events_unsubscribe(ev_bus, id), RSDK_OK);
        free(t);
    }
    return NULL;
}

typedef struct {
    uint64_t id;
    atomic_int fired;   /* one call claimed the removal */
    atomic_int removed; /* ...and its unsubscribe returned */
} self_remover_ctx;

static void self_remover(const rsdk_event *ev, void *ud) {
    (void)ev;
    self_remover_ctx *c = ud;
    /* Several emitters may call it at once; only one removal succeeds. */
    if (atomic_exchange(&c->fired, 1) == 0) {
        assert_int_equal(rsdk_events_unsubscribe(ev_bus, c->id), RSDK_OK);
        /* Last touch of `c`: the owner may free it from here on. */
        atomic_store(&c->removed, 1);
    }
}

static void *churn_self_removing(void *arg) {
    (void)arg;
    for (int i = 0; i < CHURN && atomic_load(&emitters_done) < EMITTERS; i++) {
        self_remover_ctx *c = calloc(1, sizeof *c);
        assert_non_null(c);
        assert_int_equal(rsdk_events_subscribe(ev_bus, 0, self_remover, c, &c->id), RSDK_OK);
        /* Wait until it removed itself, or remove it once emitting is over. */
        while (!atomic_load(&c->removed) && atomic_load(&emitters_done) < EMITTERS) sched_yield();
        if (atomic_exchange(&c->fired, 1) == 0) {
            assert_int_equal(rsdk_events_unsubscribe(ev_bus, c->id), RSDK_OK);
            atomic_store(&c->removed, 1);
        }
        while (!atomic_load(&c->removed)) sched_yield();
        free(c);
    }
    return NULL;
}

static void dispatch_and_churn_concurrently(void **st) {
    (void)st;
    alarm(120); /* a deadlock fails the test instead of hanging it */
    assert_int_equal(rsdk_events_new(&ev_bus), RSDK_OK);
    assert_int_equal(rsdk_events_subscribe(ev_bus, RSDK_EVENT_MASK(RSDK_EVENT_COMMAND_COMPLETED),
                                           count_commands, NULL, NULL),
                     RSDK_OK);
    assert_int_equal(rsdk_events_subscribe(ev_bus, RSDK_EVENT_MASK(RSDK_EVENT_RECONNECT_ATTEMPT),
                                           count_reconnects, NULL, NULL),
                     RSDK_OK);
    pthread_t em[EMITTERS], ch[3];
    assert_int_equal(pthread_create(&ch[0], NULL, churn_flagged, NULL), 0);
    assert_int_equal(pthread_create(&ch[1], NULL, churn_freeing, NULL), 0);
    assert_int_equal(pthread_create(&ch[2], NULL, churn_self_removing, NULL), 0);
    for (int i = 0; i < EMITTERS; i++) assert_int_equal(pthread_create(&em[i], NULL, emitter, NULL), 0);
    for (int i = 0; i < EMITTERS; i++) pthread_join(em[i], NULL);
    for (int i = 0; i < 3; i++) pthread_join(ch[i], NULL);
    alarm(0);
    /* How much the churn overlapped the dispatching (for the log). */
    printf("transient listeners were called %ld times\n", atomic_load(&transient_calls));
    assert_int_equal(atomic_load(&commands), (long)EMITTERS * PER_EMITTER / 2);
    assert_int_equal(atomic_load(&reconnects), (long)EMITTERS * PER_EMITTER / 2);
    assert_int_equal(atomic_load(&late_calls), 0);
    assert_int_equal(rsdk_events_count(ev_bus), 2);
    rsdk_events_free(ev_bus);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dispatch_and_churn_concurrently),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
