/* What a call returns when the server misbehaves in ways no real server can
 * be made to: lines ended by a bare LF, a line that never ends, a reply
 * dripped one byte at a time. The peer is tests/support's scripted
 * hostile_server (a stand-in, since redis-server only sends well-formed
 * replies); the client is the real one, over TCP, with protocol 2 so the
 * first bytes it sends are the command itself (no handshake to script).
 *
 * Each case states what the caller gets:
 *   bare LF after a status       RSDK_ERR_PROTOCOL naming the offset, at once
 *                                (even with no command timeout at all)
 *   "+OK\n+OK\r\n"                RSDK_ERR_PROTOCOL, not a status "OK\n+OK"
 *   a line that never ends       RSDK_ERR_PROTOCOL naming max_line_bytes, once
 *                                64 KiB are in, not after max_bulk_bytes
 *   a reply dripped slowly       RSDK_ERR_TIMEOUT within command_timeout_ms +
 *                                100 ms, for a command, a pipeline, a
 *                                transaction and a pool command; broken after */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "rsdk/rsdk.h"
#include "support/hostile_server.h"

#define S(lit) lit, sizeof(lit) - 1

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void opts_for(rsdk_client_opts *o, const hostile_server *h, int timeout_ms) {
    rsdk_client_opts_init(o);
    o->host = "127.0.0.1";
    o->port = hostile_server_port(h);
    o->protocol = 2;
    o->reconnect = false;
    o->command_timeout_ms = timeout_ms;
}

static rsdk_client *open_to(const hostile_server *h, int timeout_ms) {
    rsdk_client_opts o;
    opts_for(&o, h, timeout_ms);
    rsdk_client *c = NULL;
    rsdk_error err;
    if (rsdk_client_open(&o, &c, &err) != RSDK_OK) fail_msg("open: %s", err.message);
    return c;
}

/* One PING against a peer answering `script`: the status, the message and
 * how long the call took. */
static rsdk_status ping(hostile_server *h, int timeout_ms, char *msg, size_t cap, long long *took) {
    rsdk_client *c = open_to(h, timeout_ms);
    rsdk_reply *r = NULL;
    long long t0 = now_ms();
    rsdk_status s = rsdk_client_command(c, &r, "PING", NULL);
    *took = now_ms() - t0;
    snprintf(msg, cap, "%s", rsdk_client_error(c)->message);
    if (s != RSDK_OK) {
        assert_null(r);
        assert_true(rsdk_client_broken(c));
    }
    rsdk_reply_free(r);
    rsdk_client_close(c);
    return s;
}

static void bare_lf_is_refused_at_once(void **st) {
    (void)st;
    /* No command timeout at all: before, this call waited forever. */
    hostile_server *h = hostile_server_start(S("+OK\n"), 0);
    assert_non_null(h);
    char msg[256];
    long long took;
    assert_int_equal(ping(h, 0, msg, sizeof msg, &took), RSDK_ERR_PROTOCOL);
    assert_string_equal(msg, "protocol: line feed without carriage return at offset 3");
    assert_true(took < 1000);
    hostile_server_stop(h);

    h = hostile_server_start(S("+OK\n+OK\r\n"), 0);
    assert_non_null(h);
    assert_int_equal(ping(h, 2000, msg, sizeof msg, &took), RSDK_ERR_PROTOCOL);
    assert_string_equal(msg, "protocol: line feed without carriage return at offset 3");
    hostile_server_stop(h);
}

static void endless_line_stops_at_max_line_bytes(void **st) {
    (void)st;
    size_t n = 200 * 1024;
    char *line = malloc(n);
    assert_non_null(line);
    line[0] = '-';
    memset(line + 1, 'x', n - 1);
    hostile_server *h = hostile_server_start(line, n, 0);
    assert_non_null(h);
    char msg[256];
    long long took;
    assert_int_equal(ping(h, 0, msg, sizeof msg, &took), RSDK_ERR_PROTOCOL);
    assert_string_equal(msg, "protocol: line at offset 0 is longer than max_line_bytes 65536");
    hostile_server_stop(h);
    free(line);
}

/* 10 replies a byte every 100 ms take ~5 s; the deadline is 500 ms. */
#define DRIP_MS 100
#define DEADLINE_MS 500

static void assert_deadline(rsdk_status s, long long took, const char *msg) {
    if (s != RSDK_ERR_TIMEOUT) fail_msg("got %s (%s), wanted RSDK_ERR_TIMEOUT", rsdk_status_name(s), msg);
    if (took > DEADLINE_MS + 100) fail_msg("took %lld ms, deadline %d ms", took, DEADLINE_MS);
    assert_true(took >= DEADLINE_MS - 5);
    assert_string_equal(msg, "command deadline passed (command_timeout_ms 500)");
}

static void dripped_reply_hits_the_deadline(void **st) {
    (void)st;
    hostile_server *h = hostile_server_start(S("$10\r\n0123456789\r\n"), DRIP_MS);
    assert_non_null(h);
    char msg[256];
    long long took;
    rsdk_status s = ping(h, DEADLINE_MS, msg, sizeof msg, &took);
    assert_deadline(s, took, msg);
    hostile_server_stop(h);
}

static void dripped_pipeline_and_transaction_hit_the_deadline(void **st) {
    (void)st;
    hostile_server *h = hostile_server_start(S("+OK\r\n+OK\r\n+OK\r\n+OK\r\n+OK\r\n+OK\r\n+OK\r\n+OK\r\n+OK\r\n+OK\r\n+OK\r\n+OK\r\n"),
                                             DRIP_MS);
    assert_non_null(h);
    for (int txn = 0; txn < 2; txn++) {
        rsdk_client *c = open_to(h, DEADLINE_MS);
        rsdk_pipeline *p = NULL;
        assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
        assert_non_null(p);
        if (txn) assert_int_equal(rsdk_pipeline_set_transaction(p, true), RSDK_OK);
        for (int i = 0; i < 10; i++) {
            const char *argv[] = {"SET", "k", "v"};
            assert_int_equal(rsdk_pipeline_append_argv(p, 3, argv, NULL), RSDK_OK);
        }
        long long t0 = now_ms();
        rsdk_status s = rsdk_pipeline_exec(p);
        long long took = now_ms() - t0;
        assert_deadline(s, took, rsdk_client_error(c)->message);
        assert_true(rsdk_client_broken(c));
        rsdk_pipeline_free(p);
        rsdk_client_close(c);
    }
    hostile_server_stop(h);
}

static void dripped_pool_command_hits_the_deadline(void **st) {
    (void)st;
    hostile_server *h = hostile_server_start(S("$10\r\n0123456789\r\n"), DRIP_MS);
    assert_non_null(h);
    rsdk_pool_opts po;
    rsdk_client_opts po_client;
    rsdk_pool_opts_init(&po);
    rsdk_client_opts_init(&po_client);
    po.client = &po_client;
    opts_for(&po_client, h, DEADLINE_MS);
    rsdk_pool *pool = NULL;
    rsdk_error err;
    assert_int_equal(rsdk_pool_new(&po, &pool, &err), RSDK_OK);
    rsdk_reply *r = NULL;
    long long t0 = now_ms();
    rsdk_status s = rsdk_pool_command(pool, &r, &err, "GET", "k", NULL);
    long long took = now_ms() - t0;
    assert_null(r);
    assert_deadline(s, took, err.message);
    rsdk_pool_free(pool);
    hostile_server_stop(h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bare_lf_is_refused_at_once),
        cmocka_unit_test(endless_line_stops_at_max_line_bytes),
        cmocka_unit_test(dripped_reply_hits_the_deadline),
        cmocka_unit_test(dripped_pipeline_and_transaction_hit_the_deadline),
        cmocka_unit_test(dripped_pool_command_hits_the_deadline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
