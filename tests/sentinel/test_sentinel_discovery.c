/* The sentinel client against three live sentinels, a primary and a
 * replica: discovery, reads from the replica, the ROLE check, a sentinel
 * that is down, all of them down, bad input, the generated sentinel module,
 * and every allocation failing in turn in discovery. */
#include "sentinel_test.h"
#include "support/fail_alloc.h"

static void finds_the_primary_and_runs_commands(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    sh_deploy *d = *state;
    rsdk_sentinel *s = st_open(d, 5000, true);
    assert_int_equal(st_primary_port(s), d->data[0].port);
    rsdk_reply *r = NULL;
    rsdk_error err;
    assert_int_equal(rsdk_sentinel_command(s, &r, &err, "SET", "disc:k", "v", (const char *)NULL), RSDK_OK);
    rsdk_reply_free(r);
    /* The write is on the primary itself. */
    rsdk_client *p = sh_data_client(d, 0);
    assert_int_equal(rsdk_client_command(p, &r, "GET", "disc:k", (const char *)NULL), RSDK_OK);
    assert_string_equal(r->str, "v");
    rsdk_reply_free(r);
    rsdk_client_close(p);
    rsdk_sentinel_stats st;
    rsdk_sentinel_stats_get(s, &st);
    assert_int_equal(st.discoveries, 1);
    assert_int_equal(st.switches, 0);
    rsdk_sentinel_close(s);
}

static void replica_role_reads_from_the_replica(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    sh_deploy *d = *state;
    rsdk_sentinel *s = st_open(d, 5000, false);
    for (int i = 0; i < 3; i++) {
        rsdk_client *c = NULL;
        rsdk_error err;
        assert_int_equal(rsdk_sentinel_acquire(s, RSDK_SENTINEL_REPLICA, &c, &err), RSDK_OK);
        rsdk_reply *r = NULL;
        assert_int_equal(rsdk_client_command(c, &r, "ROLE", (const char *)NULL), RSDK_OK);
        assert_string_equal(r->element[0].str, "slave");
        rsdk_reply_free(r);
        /* A write on a replica connection is refused, not redirected. */
        assert_int_equal(rsdk_client_command(c, &r, "SET", "disc:r", "1", (const char *)NULL), RSDK_ERR_READONLY);
        assert_int_equal(rsdk_sentinel_release(s, c), RSDK_OK);
    }
    rsdk_reply *r = NULL;
    const char *argv[] = {"ROLE"};
    assert_int_equal(rsdk_sentinel_command_argv(s, RSDK_SENTINEL_REPLICA, 1, argv, NULL, &r, NULL), RSDK_OK);
    assert_string_equal(r->element[0].str, "slave");
    rsdk_reply_free(r);
    /* A client that did not come from this handle is refused. */
    rsdk_client *other = sh_data_client(d, 0);
    assert_int_equal(rsdk_sentinel_release(s, other), RSDK_ERR_INVALID_ARG);
    rsdk_client_close(other);
    rsdk_sentinel_close(s);
}

static uint64_t discoveries(rsdk_sentinel *s) {
    rsdk_sentinel_stats st;
    rsdk_sentinel_stats_get(s, &st);
    return st.discoveries;
}

/* A connection failure during a loan makes the next call ask the
 * sentinels; a loan without one does not. */
static void a_failure_on_an_acquired_connection_asks_again(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    sh_deploy *d = *state;
    rsdk_sentinel *s = st_open(d, 2000, false);
    assert_int_equal(discoveries(s), 1);
    rsdk_client *c = NULL;
    rsdk_error err;
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_sentinel_acquire(s, RSDK_SENTINEL_PRIMARY, &c, &err), RSDK_OK);
    assert_int_equal(rsdk_client_command(c, &r, "CLIENT", "ID", (const char *)NULL), RSDK_OK);
    char id[32];
    snprintf(id, sizeof id, "%lld", (long long)r->integer);
    rsdk_reply_free(r);
    rsdk_client *killer = sh_data_client(d, 0);
    assert_int_equal(rsdk_client_command(killer, &r, "CLIENT", "KILL", "ID", id, (const char *)NULL), RSDK_OK);
    rsdk_reply_free(r);
    rsdk_client_close(killer);
    assert_int_not_equal(rsdk_client_command(c, &r, "PING", (const char *)NULL), RSDK_OK);
    assert_int_equal(rsdk_sentinel_release(s, c), RSDK_OK);
    assert_int_equal(rsdk_sentinel_command(s, &r, &err, "PING", (const char *)NULL), RSDK_OK);
    rsdk_reply_free(r);
    assert_int_equal(discoveries(s), 2);
    assert_int_equal(rsdk_sentinel_acquire(s, RSDK_SENTINEL_PRIMARY, &c, &err), RSDK_OK);
    assert_int_equal(rsdk_client_command(c, &r, "PING", (const char *)NULL), RSDK_OK);
    rsdk_reply_free(r);
    assert_int_equal(rsdk_sentinel_release(s, c), RSDK_OK);
    assert_int_equal(rsdk_sentinel_command(s, &r, &err, "PING", (const char *)NULL), RSDK_OK);
    rsdk_reply_free(r);
    assert_int_equal(discoveries(s), 2);
    rsdk_sentinel_close(s);
}

/* The primary is made a replica of a third server behind the sentinels'
 * backs: the client sees READONLY, asks again, is told the same node, and
 * ROLE says it is no primary, so the call fails with MASTERDOWN at its
 * deadline; once the node is a primary again calls work. The sentinels
 * only look at a master's role every 10 s and act on it after 21 s, so
 * they do not react in the half second this takes. */
static void a_primary_that_says_replica_is_not_used(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    sh_deploy *d = *state;
    rsdk_test_server x;
    assert_int_equal(rsdk_test_server_start_module(&x, sh_server(), NULL, NULL), RSDK_TEST_SERVER_OK);
    rsdk_sentinel *s = st_open(d, 400, false);
    rsdk_client *p = sh_data_client(d, 0);
    char port[8];
    snprintf(port, sizeof port, "%d", x.port);
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_client_command(p, &r, "REPLICAOF", "127.0.0.1", port, (const char *)NULL), RSDK_OK);
    rsdk_reply_free(r);
    rsdk_error err;
    rsdk_status st = rsdk_sentinel_command(s, &r, &err, "SET", "role:k", "v", (const char *)NULL);
    assert_int_equal(st, RSDK_ERR_MASTERDOWN);
    assert_non_null(strstr(err.message, "ROLE"));
    rsdk_sentinel_stats stats;
    rsdk_sentinel_stats_get(s, &stats);
    assert_true(stats.role_mismatch >= 1);
    assert_true(stats.discoveries >= 2);
    assert_int_equal(rsdk_client_command(p, &r, "REPLICAOF", "NO", "ONE", (const char *)NULL), RSDK_OK);
    rsdk_reply_free(r);
    assert_int_equal(rsdk_sentinel_command(s, &r, &err, "SET", "role:k", "v", (const char *)NULL), RSDK_OK);
    rsdk_reply_free(r);
    rsdk_client_close(p);
    rsdk_sentinel_close(s);
    rsdk_test_server_stop(&x);
    /* Let the replica resync from the primary before the next test. */
    sh_wait_link_up(d, 1, 10000);
}

static void a_sentinel_that_is_down_is_skipped(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    sh_deploy *d = *state;
    /* A listener nobody runs first in the list. */
    char dead[32];
    snprintf(dead, sizeof dead, "127.0.0.1:%d", rsdk_test_free_port());
    const char *list[] = {dead, d->addrs[0], d->addrs[1]};
    rsdk_sentinel_opts o;
    rsdk_client_opts co;
    st_opts(d, &o, &co, 2000, true);
    o.sentinels = list;
    o.nsentinels = 3;
    rsdk_sentinel *s = NULL;
    rsdk_error err;
    assert_int_equal(rsdk_sentinel_open(&o, &s, &err), RSDK_OK);
    assert_int_equal(st_primary_port(s), d->data[0].port);
    /* The one that answered is asked first from now on: a refresh costs
     * no refused connect (and works). */
    assert_int_equal(rsdk_sentinel_refresh(s, &err), RSDK_OK);
    rsdk_sentinel_close(s);
}

static void all_sentinels_down_is_connect_naming_them(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    sh_deploy *d = *state;
    char a[3][32];
    const char *list[3];
    for (int i = 0; i < 3; i++) {
        snprintf(a[i], sizeof a[i], "127.0.0.1:%d", rsdk_test_free_port());
        list[i] = a[i];
    }
    rsdk_sentinel_opts o;
    rsdk_client_opts co;
    st_opts(d, &o, &co, 1000, true);
    o.sentinels = list;
    rsdk_sentinel *s = NULL;
    rsdk_error err;
    long long t0 = rsdk_test_now_ms();
    assert_int_equal(rsdk_sentinel_open(&o, &s, &err), RSDK_ERR_CONNECT);
    assert_null(s);
    printf("all sentinels down: %s after %lld ms: %s\n", rsdk_status_name(err.code), rsdk_test_now_ms() - t0, err.message);
    for (int i = 0; i < 3; i++) assert_non_null(strstr(err.message, a[i]));
    assert_non_null(strstr(err.message, SH_MASTER));
}

/* Connections sentinel i has accepted (the other sentinels keep theirs
 * open; their PINGs would make a command count move). */
static long long sentinel_connections(const sh_deploy *d, int i) {
    rsdk_client *c = sh_sentinel_client(d, i);
    long long n = sh_info_int(c, "stats", "total_connections_received");
    rsdk_client_close(c);
    return n;
}

static void bad_input_is_invalid_arg_and_sends_nothing(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    sh_deploy *d = *state;
    long long before = sentinel_connections(d, 0);
    rsdk_sentinel_opts o;
    rsdk_client_opts co;
    rsdk_sentinel *s = NULL;
    rsdk_error err;
    const char *malformed[] = {"no-port-here"};
    const char *no_host[] = {":26379"};
    const char *bad_port[] = {"127.0.0.1:99999"};
    for (int k = 0; k < 8; k++) {
        st_opts(d, &o, &co, 1000, true);
        switch (k) {
        case 0: o.master_name = NULL; break;
        case 1: o.master_name = ""; break;
        case 2: o.nsentinels = 0; break;
        case 3: o.sentinels = NULL; break;
        case 4: o.sentinels = malformed; o.nsentinels = 1; break;
        case 5: o.sentinels = no_host; o.nsentinels = 1; break;
        case 6: o.sentinels = bad_port; o.nsentinels = 1; break;
        case 7: o.pool_max_size = 0; break;
        }
        rsdk_error_clear(&err);
        assert_int_equal(rsdk_sentinel_open(&o, &s, &err), RSDK_ERR_INVALID_ARG);
        assert_null(s);
        assert_true(err.message[0] != '\0');
    }
    assert_int_equal(rsdk_sentinel_open(NULL, &s, &err), RSDK_ERR_INVALID_ARG);
    st_opts(d, &o, &co, 1000, true);
    assert_int_equal(rsdk_sentinel_open(&o, NULL, &err), RSDK_ERR_INVALID_ARG);
    rsdk_reply *r = NULL;
    const char *argv[] = {"PING"};
    assert_int_equal(rsdk_sentinel_command_argv(NULL, RSDK_SENTINEL_PRIMARY, 1, argv, NULL, &r, &err), RSDK_ERR_INVALID_ARG);
    /* Only the connection of sentinel_connections itself reached it. */
    assert_int_equal(sentinel_connections(d, 0), before + 1);
    /* Arguments of a live handle are checked too. */
    s = st_open(d, 1000, false);
    assert_int_equal(rsdk_sentinel_command_argv(s, RSDK_SENTINEL_PRIMARY, 0, argv, NULL, &r, &err), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_sentinel_command_argv(s, (rsdk_sentinel_role)7, 1, argv, NULL, &r, &err), RSDK_ERR_INVALID_ARG);
    const char *no_arg0 = NULL;
    assert_int_equal(rsdk_sentinel_command(s, &r, &err, no_arg0, (const char *)NULL), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_sentinel_acquire(s, RSDK_SENTINEL_PRIMARY, NULL, &err), RSDK_ERR_INVALID_ARG);
    char small[4];
    assert_int_equal(rsdk_sentinel_primary(s, small, 0), RSDK_ERR_INVALID_ARG);
    rsdk_sentinel_close(s);
    rsdk_sentinel_close(NULL);
}

/* An unknown master name: the sentinels answer, but know no such master. */
static void unknown_master_is_masterdown(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    sh_deploy *d = *state;
    rsdk_sentinel_opts o;
    rsdk_client_opts co;
    st_opts(d, &o, &co, 300, false);
    o.master_name = "nosuchmaster";
    rsdk_sentinel *s = NULL;
    rsdk_error err;
    assert_int_equal(rsdk_sentinel_open(&o, &s, &err), RSDK_ERR_MASTERDOWN);
    assert_non_null(strstr(err.message, "nosuchmaster"));
}

/* The generated sentinel module against a live sentinel. */
static void generated_sentinel_commands_work(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    sh_deploy *d = *state;
    rsdk_client *c = sh_sentinel_client(d, 1);
    rsdk_strings addr;
    assert_int_equal(rsent_get_master_addr_by_name(c, SH_MASTER, &addr), RSDK_OK);
    assert_int_equal(addr.count, 2);
    assert_int_equal(atoi(rsdk_strings_at(&addr, 1).ptr), d->data[0].port);
    rsdk_strings_deinit(&addr);
    rsdk_reply *r = NULL;
    assert_int_equal(rsent_replicas(c, SH_MASTER, &r), RSDK_OK);
    assert_int_equal(r->elements, 1);
    const rsdk_reply *port = rsdk_reply_map_get(&r->element[0], "port");
    assert_non_null(port);
    assert_int_equal(atoi(port->str), d->data[1].port);
    rsdk_reply_free(r);
    assert_int_equal(rsent_sentinels(c, SH_MASTER, &r), RSDK_OK);
    assert_int_equal(r->elements, SH_SENTINELS - 1);
    rsdk_reply_free(r);
    rsdk_string id;
    assert_int_equal(rsent_myid(c, &id), RSDK_OK);
    assert_int_equal(id.len, 40);
    rsdk_string_deinit(&id);
    rsdk_string ok;
    assert_int_equal(rsent_ckquorum(c, SH_MASTER, &ok), RSDK_OK);
    assert_non_null(strstr(ok.ptr, "OK"));
    rsdk_string_deinit(&ok);
    rsdk_client_close(c);
}

static void discovery_survives_every_allocation_failing(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    sh_deploy *d = *state;
    rsdk_sentinel_opts o;
    rsdk_client_opts co;
    st_opts(d, &o, &co, 2000, false);
    rsdk_error err;
    rsdk_test_alloc_install();
    size_t nomem = 0, n;
    for (n = 1; n < 20000; n++) {
        rsdk_sentinel *s = NULL;
        rsdk_test_alloc_fail_nth(n);
        rsdk_status st = rsdk_sentinel_open(&o, &s, &err);
        size_t refused = rsdk_test_alloc_refused();
        rsdk_test_alloc_fail_nth(0);
        if (refused == 0) {
            assert_int_equal(st, RSDK_OK);
            rsdk_sentinel_close(s);
            break;
        }
        if (st != RSDK_OK) {
            nomem++;
            assert_null(s);
            assert_true(err.message[0] != '\0');
            continue;
        }
        /* A failure absorbed inside (a connection that could not be made
         * is one the next call makes): the handle works. */
        rsdk_reply *r = NULL;
        assert_int_equal(rsdk_sentinel_command(s, &r, &err, "PING", (const char *)NULL), RSDK_OK);
        rsdk_reply_free(r);
        rsdk_sentinel_close(s);
    }
    rsdk_test_alloc_remove();
    printf("discovery: %zu allocations, each failed once (%zu opens failed)\n", n - 1, nomem);
    assert_true(n > 10);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finds_the_primary_and_runs_commands),
        cmocka_unit_test(replica_role_reads_from_the_replica),
        cmocka_unit_test(a_failure_on_an_acquired_connection_asks_again),
        cmocka_unit_test(a_sentinel_that_is_down_is_skipped),
        cmocka_unit_test(all_sentinels_down_is_connect_naming_them),
        cmocka_unit_test(bad_input_is_invalid_arg_and_sends_nothing),
        cmocka_unit_test(unknown_master_is_masterdown),
        cmocka_unit_test(generated_sentinel_commands_work),
        cmocka_unit_test(discovery_survives_every_allocation_failing),
        cmocka_unit_test(a_primary_that_says_replica_is_not_used),
    };
    return cmocka_run_group_tests(tests, sh_group_setup, sh_group_teardown);
}
