/* tests/resilience/resil.h — helpers shared by the resilience tests: clocks,
 * an event recorder, pool and client setup against the test server. */
#ifndef RSDK_TESTS_RESIL_H
#define RSDK_TESTS_RESIL_H

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rsdk/rsdk.h"
#include "support/server.h"

long long rs_now_ms(void);
void rs_sleep_ms(long ms);

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

/* Client options for the test server (Unix socket or TCP). */
void rs_client_opts(const rsdk_test_server *s, rsdk_client_opts *o, bool use_unix);

/* Runs a command (NULL-terminated list) on a client; fails the test unless
 * it succeeded; returns the reply. */
rsdk_reply *rs_cmd(rsdk_client *c, const char *const *argv);
#define RS_CMD(c, ...) rs_cmd((c), (const char *const[]){__VA_ARGS__, NULL})
/* Same, frees the reply. */
#define RS_DO(c, ...) rsdk_reply_free(RS_CMD(c, __VA_ARGS__))

/* GET key as an integer (0 when missing); fails the test on error. */
long long rs_get_int(rsdk_client *c, const char *key);

/* A fresh admin client to the server over its Unix socket (no retries, no
 * events). */
rsdk_client *rs_admin(const rsdk_test_server *s);

/* Starts a server with extra arguments into a heap object for cmocka state
 * (NULL when the server is absent and not required: tests then skip). */
int rs_setup_with(void **state, const char *const *extra);

#endif
