/* tests/resilience/resil.h — helpers shared by the resilience tests: an
 * event recorder, pools and worker threads against the test server.
 * Checked commands (CMD_OK, CMD_DO, live_get_int ...), client opening and
 * clocks come from tests/support. */
#ifndef RSDK_TESTS_RESIL_H
#define RSDK_TESTS_RESIL_H

#include <pthread.h>

#include "support/live.h"

/* One recorded event: the plain fields, with the strings copied. */
typedef struct rs_event {
    rsdk_event ev;         /* pointers inside are cleared */
    const void *source;
    char text[96];         /* endpoint, command name or message, cut */
    long long at_ms;
} rs_event;

#define RS_MAX_EVENTS 200000

/* A dispatcher with one recording listener. */
typedef struct rs_recorder {
    rsdk_events *bus;
    pthread_mutex_t mu;
    rs_event *ev;
    size_t n;
    size_t dropped;
} rs_recorder;

/* Creates the dispatcher and subscribes for `mask` (0 = all). Fails the test
 * on error. */
void rs_recorder_init(rs_recorder *r, uint32_t mask);
void rs_recorder_deinit(rs_recorder *r);
size_t rs_recorder_count(rs_recorder *r, rsdk_event_type t);
/* Copies the k-th event of type t (0-based); false when there is none. */
bool rs_recorder_nth(rs_recorder *r, rsdk_event_type t, size_t k, rs_event *out);
void rs_recorder_clear(rs_recorder *r);

/* Pool options for the test server: rsdk_pool_opts_init, the client
 * reaching the server over its Unix socket or TCP (in `client`, which must
 * outlive the use of `o`), and max_size 4. */
void rs_pool_opts(const rsdk_test_server *s, rsdk_pool_opts *o, rsdk_client_opts *client,
                  bool use_unix);

/* Creates a pool with `o`; fails the test (with the error) unless it worked. */
rsdk_pool *rs_pool_open(const rsdk_pool_opts *o);

/* Waits (without a time limit of its own: the test's timeout is the limit)
 * until `n` threads are queued in the pool's acquire. */
void rs_pool_until_waiting(rsdk_pool *p, size_t n);

/* Worker threads sharing a pool. A test's worker struct begins with an
 * rs_worker; the crew fills it, starts the threads and tells them, through
 * the phase, when the trouble is over and when to stop. */
enum {
    RS_PHASE_RUN = 0,    /* running, failures allowed */
    RS_PHASE_HEALED = 1, /* the trouble is over: calls must succeed */
    RS_PHASE_STOP = 2,   /* leave the loop */
};

typedef struct rs_worker {
    rsdk_pool *p;
    int id;
    const volatile int *phase;
} rs_worker;

#define RS_CREW_MAX 16

typedef struct rs_crew {
    volatile int phase;
    int n;
    pthread_t t[RS_CREW_MAX];
} rs_crew;

/* Zeroes `n` workers of `size` bytes each (an array starting at
 * `workers`), fills their rs_worker (pool, id 0..n-1, the crew's phase) and
 * starts fn(worker) on a thread each. */
void rs_crew_start(rs_crew *c, rsdk_pool *p, void *workers, size_t size, int n, void *(*fn)(void *));

/* The phase, read by a worker. */
int rs_worker_phase(const rs_worker *w);

/* Sets the phase every worker sees. */
void rs_crew_set_phase(rs_crew *c, int phase);

/* Sets RS_PHASE_STOP and joins every thread. */
void rs_crew_join(rs_crew *c);

/* RS_PHASE_HEALED, `healed_ms` of calls that must succeed, then join. */
void rs_crew_heal_and_join(rs_crew *c, long healed_ms);

/* A worker that sends ECHO with a tag of its own each time through the
 * pool until the phase says stop, and counts what came back. */
typedef struct rs_echo_worker {
    rs_worker base;
    long ok, ok_after;         /* answered; of those, in RS_PHASE_HEALED */
    long failed, failed_after; /* failed; of those, in RS_PHASE_HEALED */
    long timeouts;             /* failures with RSDK_ERR_TIMEOUT */
    long bad_class;            /* failures not of the connection class */
    long misdelivered;         /* answers that were not this call's tag */
} rs_echo_worker;

/* The thread body for an rs_echo_worker (rs_crew_start's fn). */
void *rs_echo_run(void *arg);

#endif
