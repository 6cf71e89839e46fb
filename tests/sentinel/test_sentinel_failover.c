/* SENTINEL FAILOVER while a thread issues INCRs through the sentinel
 * client: the client follows the switch, the recovery time (the longest
 * stretch without an acknowledged INCR) is printed, calls fail only with
 * documented errors, and no INCR runs twice (an INCR whose connection
 * broke after sending may or may not have run, and is counted apart).
 *
 * Replication is asynchronous: writes the old primary acknowledged but had
 * not yet streamed to the replica when the replica was promoted are lost,
 * whatever a client does (the first test counts them). The old primary
 * gets min-replicas-to-write 1, which bounds that window to what is in
 * flight: once the promoted replica leaves it, it refuses writes with
 * NOREPLICAS (not run), which the client tries again on the new primary.
 * The second test fails back the way a coordinated failover does (Redis's
 * FAILOVER command): writes paused on the primary while the sentinel
 * promotes the caught-up replica. There nothing is in flight, and the
 * counter equals the acknowledged INCRs exactly. */
#include <pthread.h>
#include <stdatomic.h>

#include "sentinel_test.h"

typedef struct load {
    rsdk_sentinel *s;
    atomic_bool stop;
    long long acked, maybe_ran, last_value, regressions;
    long long last_ack_ms, max_gap_ms;
    long long by_status[64];
    rsdk_status bad;
    char bad_msg[256];
} load;

static void *incr_loop(void *arg) {
    load *l = arg;
    l->last_ack_ms = rsdk_test_now_ms();
    while (!atomic_load(&l->stop)) {
        rsdk_reply *r = NULL;
        rsdk_error err;
        rsdk_status st = rsdk_sentinel_command(l->s, &r, &err, "INCR", "fo:counter", (const char *)NULL);
        long long now = rsdk_test_now_ms();
        if (st == RSDK_OK) {
            /* One thread: every acknowledged value is above the last,
             * unless writes were lost in the promotion. */
            if (r->type != RSDK_REPLY_INTEGER) l->bad = RSDK_ERR_UNEXPECTED_REPLY;
            else if (r->integer <= l->last_value) l->regressions++;
            l->last_value = r->integer;
            rsdk_reply_free(r);
            l->acked++;
            if (now - l->last_ack_ms > l->max_gap_ms) l->max_gap_ms = now - l->last_ack_ms;
            l->last_ack_ms = now;
            /* About a thousand a second: enough to time the gap to the
             * millisecond, and it leaves the machine to the sentinels (a
             * sentinel starved of CPU enters TILT mode and does nothing
             * for 30 s). */
            rsdk_test_sleep_ms(1);
            continue;
        }
        if (st >= 0 && st < 64) l->by_status[st]++;
        /* Documented: a connection error after sending (may have run). */
        if (st == RSDK_ERR_EOF || st == RSDK_ERR_IO || st == RSDK_ERR_TIMEOUT) {
            l->maybe_ran++;
        } else if (l->bad == RSDK_OK) {
            l->bad = st;
            snprintf(l->bad_msg, sizeof l->bad_msg, "%s", err.message);
        }
    }
    return NULL;
}

/* Data node i's replication link is up. A failure is a "not yet": the
 * sentinels kill every normal client of a node they turn into a replica. */
static bool link_up(const sh_deploy *d, int i) {
    rsdk_client_opts o;
    rsdk_test_server_client_opts(&d->data[i], &o, true);
    o.password = d->data_pass;
    rsdk_client *c;
    if (rsdk_client_open(&o, &c, NULL) != RSDK_OK) return false;
    rsdk_reply *r = NULL;
    bool up = rsdk_client_command(c, &r, "INFO", "replication", (const char *)NULL) == RSDK_OK &&
              strstr(r->str, "master_link_status:up") != NULL;
    rsdk_reply_free(r);
    rsdk_client_close(c);
    return up;
}

/* Waits until data node `i` replicates with its link up and every
 * sentinel lists it as a healthy replica (after a failover the sentinels
 * turn the old primary into a replica some seconds later). */
static void wait_replica(const sh_deploy *d, int i, long timeout_ms) {
    long long end = rsdk_test_now_ms() + timeout_ms;
    char port[8];
    snprintf(port, sizeof port, "%d", d->data[i].port);
    for (;;) {
        int ok = link_up(d, i);
        rsdk_reply *r = NULL;
        for (int k = 0; ok && k < SH_SENTINELS; k++) {
            rsdk_client *sc = sh_sentinel_client(d, k);
            assert_int_equal(rsent_replicas(sc, SH_MASTER, &r), RSDK_OK);
            for (size_t e = 0; e < r->elements; e++) {
                const rsdk_reply *p = rsdk_reply_map_get(&r->element[e], "port");
                const rsdk_reply *f = rsdk_reply_map_get(&r->element[e], "flags");
                const rsdk_reply *link = rsdk_reply_map_get(&r->element[e], "master-link-status");
                if (p && f && link && strcmp(p->str, port) == 0 && strcmp(f->str, "slave") == 0 &&
                    strcmp(link->str, "ok") == 0)
                    ok++;
            }
            rsdk_reply_free(r);
            rsdk_client_close(sc);
        }
        if (ok == 1 + SH_SENTINELS) return;
        if (rsdk_test_now_ms() > end) fail_msg("data node %d did not become a healthy replica", i);
        rsdk_test_sleep_ms(100);
    }
}

/* One failover from data node `from` to `to` under load; with `pause`
 * writes are paused on `from` until the client has switched. Returns the
 * counter on the new primary minus the acknowledged INCRs. */
static long long failover_once(sh_deploy *d, int from, int to, bool pause, const char *label) {
    st_data_command(d, from, "CONFIG", "SET", "min-replicas-to-write", "1");
    st_data_command(d, to, "CONFIG", "SET", "min-replicas-to-write", "0");
    long long base = st_counter_on(d, from, "fo:counter");
    load l;
    memset(&l, 0, sizeof l);
    atomic_init(&l.stop, false);
    l.last_value = base;
    l.s = st_open(d, 10000, true);
    assert_int_equal(st_primary_port(l.s), d->data[from].port);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, incr_loop, &l), 0);
    rsdk_test_sleep_ms(500);

    if (pause) st_data_command(d, from, "CLIENT", "PAUSE", "5000", "WRITE");
    rsdk_client *sen = sh_sentinel_client(d, 1);
    long long t0 = rsdk_test_now_ms();
    rsdk_status fst = rsent_failover(sen, SH_MASTER);
    if (fst != RSDK_OK) fail_msg("SENTINEL FAILOVER: %s", rsdk_client_error(sen)->message);
    rsdk_client_close(sen);
    long long end = t0 + 20000, t_switch = 0;
    while (t_switch == 0 && rsdk_test_now_ms() < end) {
        if (st_primary_port(l.s) == d->data[to].port) t_switch = rsdk_test_now_ms();
        else rsdk_test_sleep_ms(10);
    }
    if (pause) st_data_command(d, from, "CLIENT", "UNPAUSE", NULL, NULL);
    long long acked_at_switch = l.acked;
    rsdk_test_sleep_ms(700); /* load on the new primary */
    atomic_store(&l.stop, true);
    pthread_join(t, NULL);

    rsdk_sentinel_stats st;
    rsdk_sentinel_stats_get(l.s, &st);
    long long counter = st_counter_on(d, to, "fo:counter") - base;
    printf("%s: switch seen %lld ms after SENTINEL FAILOVER; recovery (longest gap between "
           "acknowledged INCRs) %lld ms\n",
           label, t_switch ? t_switch - t0 : -1, l.max_gap_ms);
    printf("%s: %lld INCRs acknowledged (%lld after the switch), counter %lld (%lld lost in the "
           "promotion), %lld may have run (EOF %lld, IO %lld, TIMEOUT %lld); switches %llu, "
           "+switch-master events %llu, discoveries %llu, retries %llu\n",
           label, l.acked, l.acked - acked_at_switch, counter,
           l.acked > counter ? l.acked - counter : 0, l.maybe_ran, l.by_status[RSDK_ERR_EOF],
           l.by_status[RSDK_ERR_IO], l.by_status[RSDK_ERR_TIMEOUT],
           (unsigned long long)st.switches, (unsigned long long)st.events,
           (unsigned long long)st.discoveries, (unsigned long long)st.retries);
    if (l.bad != RSDK_OK) fail_msg("undocumented failure: %s: %s", rsdk_status_name(l.bad), l.bad_msg);
    assert_true(t_switch > 0);
    assert_true(st.switches >= 1);
    assert_true(l.acked - acked_at_switch > 0);
    /* Nothing run twice. */
    assert_true(counter <= l.acked + l.maybe_ran);
    rsdk_sentinel_close(l.s);
    return counter - l.acked;
}

static void failover_under_load_is_followed(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    failover_once(*state, 0, 1, false, "failover");
}

static void coordinated_failover_back_loses_nothing(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    sh_deploy *d = *state;
    wait_replica(d, 0, 30000);
    long long diff = failover_once(d, 1, 0, true, "coordinated failover");
    assert_true(diff >= 0); /* nothing lost */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(failover_under_load_is_followed),
        cmocka_unit_test(coordinated_failover_back_loses_nothing),
    };
    return cmocka_run_group_tests(tests, sh_group_setup, sh_group_teardown);
}
