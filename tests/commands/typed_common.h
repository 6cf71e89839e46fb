/* tests/commands/typed_common.h — shared setup of the typed round-trip
 * tests: each test body runs twice, once on a RESP2 and once on a RESP3
 * connection (over TCP and the Unix socket respectively), against an
 * emptied server, and must see the same typed C results both times. */
#ifndef RSDK_TEST_TYPED_COMMON_H
#define RSDK_TEST_TYPED_COMMON_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "rsdk/core.h"
#include "support/live.h"

/* Fails the test with the call, its status and the client's error text.
 * Needs a client named `c` in scope. */
#define OK(call) live_ok(c, (call), #call)

/* Expects `call` to fail with `want`. */
#define FAILS(want, call)                                                                    \
    do {                                                                                     \
        rsdk_status s_ = (call);                                                             \
        if (s_ != (want))                                                                    \
            fail_msg("%s: %s, expected %s (%s)", #call, rsdk_status_name(s_),               \
                     rsdk_status_name(want), rsdk_client_error(c)->message);                  \
    } while (0)

/* Expects `call` to be refused as bad input with exactly `want`, the
 * connection intact. */
#define TC_BAD(call, want)                                                \
    do {                                                                  \
        FAILS(RSDK_ERR_INVALID_ARG, call);                                \
        assert_string_equal(rsdk_client_error(c)->message, want);        \
        assert_false(rsdk_client_broken(c));                              \
    } while (0)

/* Defines fn_both(state): `fn` as a test body on both protocols. */
#define TC_BOTH(fn)                                  \
    static void fn##_both(void **state) {            \
        RSDK_TEST_NEED_SERVER(state);                \
        tc_each_protocol(state, fn);                 \
    }

typedef void (*tc_body)(rsdk_client *c, int proto);

/* Runs `body` on RESP2, then RESP3, each time after FLUSHALL. */
void tc_each_protocol(void **state, tc_body body);

/* The group's server, for bodies that open a second connection. */
const rsdk_test_server *tc_server(void);

/* The server's redis_version ("7.0.15"). */
const char *tc_server_version(rsdk_client *c);

/* Element i of an array reply, checked to be a string (or status). */
const char *tc_str_at(const rsdk_reply *r, size_t i);

/* Asserts `r` is an array of exactly the given strings, in order. */
void tc_assert_strings(const rsdk_reply *r, size_t n, ...);

/* Asserts `r` is an array (or set) holding the given strings in any order. */
void tc_assert_string_set(const rsdk_reply *r, size_t n, ...);

/* Asserts the list view holds exactly these strings, in order (NULL for a
 * nil item), and points into its own reply. */
void tc_assert_list(const rsdk_strings *v, size_t n, ...);

/* Asserts the list view holds these strings in any order. */
void tc_assert_list_set(const rsdk_strings *v, size_t n, ...);

/* Asserts the pairs view holds exactly these field, value strings in any
 * order (NULL for a value expected nil). */
void tc_assert_pairs(const rsdk_pairs *v, size_t n, ...);

/* The value tc_assert_ints expects for a nil item. */
#define TC_NIL INT64_MIN

/* Asserts the integer view holds exactly these int64_t values, in order
 * (TC_NIL for a nil item), and points into its own reply. */
void tc_assert_ints(const rsdk_ints *v, size_t n, ...);

/* Asserts the typed string result equals `want` (not nil). */
void tc_assert_string(const rsdk_string *s, const char *want);

/* A number from a reply node: INTEGER, DOUBLE, or a string holding one
 * (RESP2 sends scores as bulk strings). */
double tc_num(const rsdk_reply *r);

/* The server's total_commands_processed (INFO stats), read on `observer`:
 * a bad-input test reads it before and after, and only the reading itself
 * may count. */
int64_t tc_commands_processed(rsdk_client *observer);

/* Prints (and returns true) when a command is unknown to this server:
 * the status is RSDK_ERR_UNKNOWN_COMMAND. Used to skip newer commands with
 * the server's own refusal as the printed reason. */
bool tc_unknown_command(rsdk_client *c, rsdk_status st, const char *what);

#endif
