/* The command deadline (command_timeout_ms) and blocking commands, on a real
 * server. A blocking command may wait as long as its own timeout argument
 * says: its deadline is command_timeout_ms plus that time, and a timeout of
 * 0 (block until served) has no deadline at all. Other commands still time
 * out at command_timeout_ms. The runtime's table of blocking commands is
 * checked against the BLOCKING flag of the generated metadata both ways, so
 * a new blocking command in the specs cannot be missed.
 *
 * What each case returns: BLPOP 1 s, XREAD BLOCK 700, WAIT 1 600 and a
 * pipeline of two 0.5 s BLPOPs under a 300 ms timeout (typed or raw argv):
 * RSDK_OK with their empty answers (nil / 0); BLPOP 0 answered by a push
 * 800 ms later: the value; DEBUG SLEEP 0.6: RSDK_ERR_TIMEOUT at 300 ms. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "runtime/src/client/client_blocking.h" /* rsdk__blocking_known / _name */
#include "rsdk/command_meta.h"
#include "rsdk/core.h"
#include "support/live.h"
#include "support/server.h"

#define TIMEOUT_MS 300

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static rsdk_client *client(void **state) {
    rsdk_client_opts o;
    rsdk_test_server_client_opts(*state, &o, true);
    o.command_timeout_ms = TIMEOUT_MS;
    return rsdk_test_client_open(&o);
}

static void test_blocking_table_matches_metadata(void **state) {
    (void)state;
    size_t flagged = 0;
    for (size_t i = 0; i < rcore_commands_count; i++) {
        const rsdk_command_meta *m = &rcore_commands[i];
        bool blocking = (m->flags & RSDK_CMD(BLOCKING)) != 0;
        if (blocking) flagged++;
        if (blocking != rsdk__blocking_known(m->name))
            fail_msg("%s: BLOCKING in the specs %s, in the runtime's table %s", m->name, blocking ? "yes" : "no",
                     blocking ? "no" : "yes");
    }
    size_t known = 0;
    while (rsdk__blocking_name(known)) {
        const rsdk_command_meta *m = rsdk_command_find(rcore_commands, rcore_commands_count, rsdk__blocking_name(known));
        if (!m || !(m->flags & RSDK_CMD(BLOCKING))) fail_msg("%s is not a BLOCKING command", rsdk__blocking_name(known));
        known++;
    }
    assert_int_equal(known, flagged);
}

static void test_block_time_extends_the_deadline(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = client(state);
    rsdk_str key = rsdk_str_c("bd:empty");
    rsdk_strings got;
    rsdk_strings r;
    long long t0 = now_ms();
    assert_int_equal(rcore_blpop(c, &key, 1, 1.0, &r), RSDK_OK);
    assert_true(now_ms() - t0 >= 950);
    assert_true(r.nil);
    assert_int_equal(rcore_blpop_decode(r.owner, &got, NULL), RSDK_OK); /* the same tree, the view's own */
    assert_true(got.nil && got.owner == NULL); /* a decoder borrows */
    rsdk_strings_deinit(&r);
    rsdk_streams x;

    /* XREAD BLOCK 700 on an empty stream: nil after 700 ms. */
    rsdk_str id = rsdk_str_c("$");
    t0 = now_ms();
    assert_int_equal(rcore_xread(c, (rcore_xread_streams){&key, 1, &id, 1},
                                 &(rcore_xread_opts){.has_milliseconds = true, .milliseconds = 700}, &x),
                     RSDK_OK);
    assert_true(now_ms() - t0 >= 650);
    assert_true(x.nil);
    assert_int_equal(x.count, 0);
    rsdk_streams_deinit(&x);

    /* WAIT for a replica that does not exist: 0 after 600 ms. */
    int64_t acked = -1;
    assert_int_equal(rcore_wait(c, 1, 600, &acked), RSDK_OK);
    assert_int_equal(acked, 0);

    /* A pipeline blocks for the sum of its commands' block times. */
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    assert_non_null(p);
    assert_int_equal(rcore_blpop_queue(p, &key, 1, 0.5, NULL), RSDK_OK);
    assert_int_equal(rcore_blpop_queue(p, &key, 1, 0.5, NULL), RSDK_OK);
    t0 = now_ms();
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    assert_true(now_ms() - t0 >= 950);
    assert_int_equal(rsdk_pipeline_reply(p, 1)->type, RSDK_REPLY_NIL);

    /* The same, queued as raw argv. */
    const char *blpop[] = {"BLPOP", "bd:empty", "0.5"};
    assert_int_equal(rsdk_pipeline_append_argv(p, 3, blpop, NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_append_argv(p, 3, blpop, NULL), RSDK_OK);
    t0 = now_ms();
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    assert_true(now_ms() - t0 >= 950);
    assert_int_equal(rsdk_pipeline_reply(p, 1)->type, RSDK_REPLY_NIL);
    rsdk_pipeline_free(p);

    /* Not blocking: the plain deadline. */
    rsdk_reply *slept = NULL;
    t0 = now_ms();
    assert_int_equal(rsdk_client_command(c, &slept, "DEBUG", "SLEEP", "0.6", (const char *)NULL), RSDK_ERR_TIMEOUT);
    assert_true(now_ms() - t0 < TIMEOUT_MS + 100);
    rsdk_test_sleep_ms(400);
    rsdk_client_close(c);
}

static void *push_later(void *arg) {
    rsdk_test_sleep_ms(800);
    rsdk_client *c = client(arg);
    CMD_DO(c, "RPUSH", "bd:later", "served");
    rsdk_client_close(c);
    return NULL;
}

static void test_block_forever_has_no_deadline(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = client(state);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, push_later, state), 0);
    rsdk_str key = rsdk_str_c("bd:later");
    rsdk_strings r;
    long long t0 = now_ms();
    rsdk_status s = rcore_blpop(c, &key, 1, 0, &r);
    if (s != RSDK_OK) fail_msg("BLPOP 0: %s after %lld ms", rsdk_client_error(c)->message, now_ms() - t0);
    assert_true(now_ms() - t0 >= 750);
    assert_int_equal(r.count, 2);
    assert_string_equal(rsdk_strings_at(&r, 1).ptr, "served");
    rsdk_strings_deinit(&r);
    pthread_join(t, NULL);
    rsdk_client_close(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blocking_table_matches_metadata),
        cmocka_unit_test(test_block_time_extends_the_deadline),
        cmocka_unit_test(test_block_forever_has_no_deadline),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
