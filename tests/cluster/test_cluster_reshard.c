/* Resharding under load: one slot moves from one primary to another and
 * back (CLUSTER SETSLOT IMPORTING/MIGRATING, MIGRATE, SETSLOT NODE) while
 * four threads run INCRs and GETs through one cluster handle. Not one
 * command may fail, and every counter must equal the INCRs acknowledged
 * for it: nothing lost, nothing run twice across MOVED and ASK. */
#include <pthread.h>
#include <stdatomic.h>

#include "cluster_test.h"

#define NKEYS 8
#define NTHREADS 4

typedef struct shared {
    rsdk_cluster *cl;
    atomic_bool stop;
    atomic_long acked[NKEYS];
    atomic_long failed;
    atomic_long reads;
    char keys[NKEYS][16];
    char first_error[512];
    pthread_mutex_t mu;
} shared;

static void *worker(void *arg) {
    shared *sh = arg;
    unsigned seed = (unsigned)(uintptr_t)pthread_self();
    for (long i = 0; i < 200000 && !atomic_load(&sh->stop); i++) {
        seed = seed * 1103515245u + 12345u;
        int k = (int)((seed >> 16) % NKEYS);
        rsdk_reply *r = NULL;
        rsdk_error err;
        bool write = (seed >> 8) & 1;
        rsdk_status s = rsdk_cluster_command(sh->cl, &r, &err, write ? "INCR" : "GET", sh->keys[k],
                                             (const char *)NULL);
        if (s == RSDK_OK) {
            if (write) atomic_fetch_add(&sh->acked[k], 1);
            else atomic_fetch_add(&sh->reads, 1);
            rsdk_reply_free(r);
        } else {
            if (atomic_fetch_add(&sh->failed, 1) == 0) {
                pthread_mutex_lock(&sh->mu);
                snprintf(sh->first_error, sizeof sh->first_error, "%s %s: %s: %s", write ? "INCR" : "GET",
                         sh->keys[k], rsdk_status_name(s), err.message);
                pthread_mutex_unlock(&sh->mu);
            }
        }
    }
    return NULL;
}

static rsdk_reply *node_cmd(rsdk_test_cluster *tc, int node, int argc, const char **argv) {
    rsdk_client *c = rsdk_test_cluster_client(tc, node);
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command_argv(c, argc, argv, NULL, &r);
    if (s != RSDK_OK) fail_msg("%s %s on node %d: %s", argv[0], argc > 1 ? argv[1] : "", node,
                               rsdk_client_error(c)->message);
    rsdk_client_close(c);
    return r;
}

/* Moves `slot` from node `from` to node `to`, keys and all. */
static void migrate_slot(rsdk_test_cluster *tc, unsigned slot, int from, int to) {
    char sl[16], from_id[64], to_id[64], port[16];
    snprintf(sl, sizeof sl, "%u", slot);
    snprintf(port, sizeof port, "%d", tc->node[to].port);
    rsdk_test_cluster_node_id(tc, from, from_id, sizeof from_id);
    rsdk_test_cluster_node_id(tc, to, to_id, sizeof to_id);
    const char *imp[] = {"CLUSTER", "SETSLOT", sl, "IMPORTING", from_id};
    rsdk_reply_free(node_cmd(tc, to, 5, imp));
    const char *mig[] = {"CLUSTER", "SETSLOT", sl, "MIGRATING", to_id};
    rsdk_reply_free(node_cmd(tc, from, 5, mig));
    for (int round = 0; round < 1000; round++) {
        /* A few keys at a time, so the clients meet ASK for a while. */
        const char *get[] = {"CLUSTER", "GETKEYSINSLOT", sl, "2"};
        rsdk_reply *keys = node_cmd(tc, from, 4, get);
        size_t n = keys->elements;
        if (n == 0) {
            rsdk_reply_free(keys);
            break;
        }
        const char *argv[16] = {"MIGRATE", "127.0.0.1", port, "", "0", "5000", "KEYS"};
        for (size_t i = 0; i < n; i++) argv[7 + i] = keys->element[i].str;
        rsdk_reply_free(node_cmd(tc, from, 7 + (int)n, argv));
        rsdk_reply_free(keys);
        rsdk_test_sleep_ms(20);
    }
    const char *own[] = {"CLUSTER", "SETSLOT", sl, "NODE", to_id};
    rsdk_reply_free(node_cmd(tc, to, 5, own));
    rsdk_reply_free(node_cmd(tc, from, 5, own));
    for (int i = 0; i < RSDK_TEST_CLUSTER_NODES; i++) {
        if (i == from || i == to) continue;
        rsdk_client *c = rsdk_test_cluster_client(tc, i);
        rsdk_reply *r = NULL;
        /* Replicas refuse SETSLOT on some servers; gossip tells them. */
        if (rsdk_client_command_argv(c, 5, own, NULL, &r) == RSDK_OK) rsdk_reply_free(r);
        rsdk_client_close(c);
    }
}

static int owner_node(rsdk_test_cluster *tc, rsdk_cluster *cl, unsigned slot) {
    char o[64];
    assert_int_equal(rsdk_cluster_slot_owner(cl, slot, o, sizeof o), RSDK_OK);
    return rsdk_test_cluster_node_by_port(tc, atoi(strrchr(o, ':') + 1));
}

static void slot_moves_under_load_without_a_failed_or_doubled_command(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_cluster *tc = *state;
    shared *sh = calloc(1, sizeof *sh);
    assert_non_null(sh);
    pthread_mutex_init(&sh->mu, NULL);
    sh->cl = ct_open(tc, 10000);
    for (int k = 0; k < NKEYS; k++) snprintf(sh->keys[k], sizeof sh->keys[k], "{rs}%d", k);
    unsigned slot = rsdk_cluster_keyslot("{rs}", 4);
    int a = owner_node(tc, sh->cl, slot), b = -1;
    for (unsigned s = 0; s < 16384 && b < 0; s += 101) {
        int n = owner_node(tc, sh->cl, s);
        if (n != a) b = n;
    }
    assert_true(a >= 0 && b >= 0);

    pthread_t th[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) assert_int_equal(pthread_create(&th[i], NULL, worker, sh), 0);
    rsdk_test_sleep_ms(300);
    long long t0 = rsdk_test_now_ms();
    migrate_slot(tc, slot, a, b);
    rsdk_test_sleep_ms(300);
    migrate_slot(tc, slot, b, a);
    long long t1 = rsdk_test_now_ms();
    rsdk_test_sleep_ms(300);
    atomic_store(&sh->stop, true);
    for (int i = 0; i < NTHREADS; i++) pthread_join(th[i], NULL);

    long total = 0;
    for (int k = 0; k < NKEYS; k++) {
        long v = ct_counter(sh->cl, sh->keys[k]);
        if (v != atomic_load(&sh->acked[k]))
            fail_msg("%s is %ld, %ld INCRs were acknowledged", sh->keys[k], v, atomic_load(&sh->acked[k]));
        total += v;
    }
    rsdk_cluster_stats st;
    rsdk_cluster_stats_get(sh->cl, &st);
    printf("reshard: slot %u moved %d -> %d -> %d in %lld ms; %ld INCRs, %ld GETs, %ld failed; "
           "MOVED %llu, ASK %llu, retries %llu, refreshes %llu\n",
           slot, a, b, a, t1 - t0, total, atomic_load(&sh->reads), atomic_load(&sh->failed),
           (unsigned long long)st.moved, (unsigned long long)st.ask, (unsigned long long)st.retries,
           (unsigned long long)st.refreshes);
    if (atomic_load(&sh->failed) != 0) fail_msg("first failure: %s", sh->first_error);
    assert_true(st.moved + st.ask > 0); /* the move was seen, not slept through */
    assert_true(total > 0);
    rsdk_cluster_close(sh->cl);
    pthread_mutex_destroy(&sh->mu);
    free(sh);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(slot_moves_under_load_without_a_failed_or_doubled_command),
    };
    return cmocka_run_group_tests(tests, rsdk_test_cluster_group_setup, rsdk_test_cluster_group_teardown);
}
