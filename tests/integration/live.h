/* live.h — small helpers shared by the live tests in this directory (each
 * test binary includes it once; everything is static). */
#ifndef RSDK_TESTS_LIVE_H
#define RSDK_TESTS_LIVE_H

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
static inline rsdk_reply *live_cmd(rsdk_client *c, const char *const *argv) {
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
#define CMD_OK(c, ...) live_cmd((c), (const char *const[]){__VA_ARGS__, NULL})

/* Runs a command, asserts the reply is a string/status equal to `want`. */
static inline void live_expect_str(rsdk_client *c, const char *want, const char *const *argv) {
    rsdk_reply *r = live_cmd(c, argv);
    if (r->type != RSDK_REPLY_STRING && r->type != RSDK_REPLY_STATUS)
        fail_msg("%s: expected a string reply, got %s", argv[0], rsdk_reply_type_str(r->type));
    assert_int_equal(r->len, strlen(want));
    assert_memory_equal(r->str, want, r->len);
    rsdk_reply_free(r);
}
#define CMD_STR(c, want, ...) live_expect_str((c), (want), (const char *const[]){__VA_ARGS__, NULL})

/* Starts a server with extra arguments into a heap object for cmocka state
 * (NULL when the server is absent and not required: tests then skip). */
static inline int live_setup_with(void **state, const char *const *extra) {
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

#endif
