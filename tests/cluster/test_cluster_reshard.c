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

static void slot_moves_under_load_without_a_failed_or_doubled_command(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_cluster *tc = *state;
    shared *sh = calloc(1, sizeof *sh);
    assert_non_null(sh);
    pthread_mutex_init(&sh->mu, NULL);
    sh->cl = ct_open(tc, 10000);
    for (int k = 0; k < NKEYS; k++) snprintf(sh->keys[k], sizeof sh->keys[k], "{rs}%d", k);
    unsigned slot = rsdk_cluster_keyslot("{rs}", 4);
    int a = ct_owner_node(tc, sh->cl, slot), b = -1;
    for (unsigned s = 0; s < 16384 && b < 0; s += 101) {
        int n = ct_owner_node(tc, sh->cl, s);
        if (n != a) b = n;
    }
    assert_true(a >= 0 && b >= 0);

    pthread_t th[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) assert_int_equal(pthread_create(&th[i], NULL, worker, sh), 0);
    rsdk_test_sleep_ms(300);
    long long t0 = rsdk_test_now_ms();
    ct_migrate_slot(tc, slot, a, b);
    rsdk_test_sleep_ms(300);
    ct_migrate_slot(tc, slot, b, a);
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
