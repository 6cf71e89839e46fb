/* tp.h — helpers shared by the transaction and pub/sub tests (each test
 * binary includes it once; everything is static). */
#ifndef RSDK_TESTS_TP_H
#define RSDK_TESTS_TP_H

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

/* Runs a command given as a NULL-terminated list and returns its reply;
 * fails the test (naming the command and the error) unless it succeeded. */
static inline rsdk_reply *tp_cmd(rsdk_client *c, const char *const *argv) {
    int argc = 0;
    while (argv[argc]) argc++;
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command_argv(c, argc, argv, NULL, &r);
    if (s != RSDK_OK)
        fail_msg("%s failed: %s (%s)", argv[0], rsdk_status_name(s), rsdk_client_error(c)->message);
    assert_non_null(r);
    return r;
}

/* CMD_OK(c, "SET", "k", "v") -> reply (caller frees). */
#define CMD_OK(c, ...) tp_cmd((c), (const char *const[]){__VA_ARGS__, NULL})

/* Runs a command and drops its reply. */
#define CMD_DO(c, ...) rsdk_reply_free(CMD_OK(c, __VA_ARGS__))

/* Asserts that `r` is a string or status equal to `want`. */
static inline void tp_assert_str(const rsdk_reply *r, const char *want) {
    assert_non_null(r);
    if (r->type != RSDK_REPLY_STRING && r->type != RSDK_REPLY_STATUS)
        fail_msg("expected a string reply \"%s\", got %s", want, rsdk_reply_type_str(r->type));
    assert_int_equal(r->len, strlen(want));
    assert_memory_equal(r->str, want, r->len);
}

/* Runs a command, asserts its reply is the string/status `want`. */
static inline void tp_expect_str(rsdk_client *c, const char *want, const char *const *argv) {
    rsdk_reply *r = tp_cmd(c, argv);
    tp_assert_str(r, want);
    rsdk_reply_free(r);
}
#define CMD_STR(c, want, ...) tp_expect_str((c), (want), (const char *const[]){__VA_ARGS__, NULL})

/* Runs a command, asserts its reply is the integer `want`. */
static inline void tp_expect_int(rsdk_client *c, int64_t want, const char *const *argv) {
    rsdk_reply *r = tp_cmd(c, argv);
    assert_int_equal(r->type, RSDK_REPLY_INTEGER);
    assert_int_equal(r->integer, want);
    rsdk_reply_free(r);
}
#define CMD_INT(c, want, ...) tp_expect_int((c), (want), (const char *const[]){__VA_ARGS__, NULL})

/* Queues a command given as a NULL-terminated list; fails the test if it
 * could not be queued. */
static inline void tp_queue(rsdk_pipeline *p, const char *const *argv) {
    int argc = 0;
    while (argv[argc]) argc++;
    assert_int_equal(rsdk_pipeline_append_argv(p, argc, argv, NULL), RSDK_OK);
}
#define QUEUE(p, ...) tp_queue((p), (const char *const[]){__VA_ARGS__, NULL})

#endif
