/* tests/support/live.h — commands against a live server, checked: each
 * helper fails the test (naming the command and the error) unless the call
 * succeeded with the expected reply. Includes what a cmocka test needs. */
#ifndef RSDK_TEST_LIVE_H
#define RSDK_TEST_LIVE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rsdk/rsdk.h"
#include "support/server.h"

/* Runs a command given as a NULL-terminated list and returns its reply
 * (caller frees); fails the test unless it succeeded. */
rsdk_reply *live_cmd(rsdk_client *c, const char *const *argv);

/* CMD_OK(c, "SET", "k", "v") -> reply (caller frees). */
#define CMD_OK(c, ...) live_cmd((c), (const char *const[]){__VA_ARGS__, NULL})

/* Runs a command and drops its reply. */
#define CMD_DO(c, ...) rsdk_reply_free(CMD_OK(c, __VA_ARGS__))

/* Asserts that `r` is a string or status equal to `want`. */
void live_assert_str(const rsdk_reply *r, const char *want);

/* Runs a command, asserts its reply is the string/status `want`. */
void live_expect_str(rsdk_client *c, const char *want, const char *const *argv);
#define CMD_STR(c, want, ...) live_expect_str((c), (want), (const char *const[]){__VA_ARGS__, NULL})

/* Runs a command, asserts its reply is the integer `want`. */
void live_expect_int(rsdk_client *c, int64_t want, const char *const *argv);
#define CMD_INT(c, want, ...) live_expect_int((c), (want), (const char *const[]){__VA_ARGS__, NULL})

/* Queues a command given as a NULL-terminated list on a pipeline; fails
 * the test if it could not be queued. */
void live_queue(rsdk_pipeline *p, const char *const *argv);
#define QUEUE(p, ...) live_queue((p), (const char *const[]){__VA_ARGS__, NULL})

/* GET key as an integer (0 when missing); fails the test on error. */
long long live_get_int(rsdk_client *c, const char *key);

/* The connection's CLIENT ID, to tell a reused connection from a new one. */
long long live_client_id(rsdk_client *c);

/* Fails the test unless `s`, the status of the call written `what` on
 * client `c`, is RSDK_OK; the message names the call, the status and the
 * client's error. */
void live_ok(rsdk_client *c, rsdk_status s, const char *what);

/* LIVE_OK(c, rcore_set(c, "k", "v", NULL, NULL)); */
#define LIVE_OK(c, call) live_ok((c), (call), #call)

#endif
