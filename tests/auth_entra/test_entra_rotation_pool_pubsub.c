/* Tokens rotating under load: the IdP issues 3-second tokens (each one the
 * new password of the ACL user named by its oid, the one from two issues
 * back retired), the provider refreshes at half-life, and while at least
 * three rotations happen 4 threads run commands through a pool — one of
 * them publishing numbered messages — and a subscriber receives them.
 * No command fails, no message is lost or reordered, every re-AUTH
 * succeeds; run with a RESP3 subscriber (in-band AUTH) and a RESP2 one
 * (handover to a new connection). */
#include <stdatomic.h>

#include "idp_harness.h"

#define CHANNEL "entra:rotation"

typedef struct run {
    rsdk_pool *pool;
    rsdk_pubsub *sub;
    atomic_int stop;
    atomic_long ok, failed, published, received, out_of_order;
    pthread_mutex_t mu;
    char first_error[256];
} run;

typedef struct worker {
    run *r;
    int id;
} worker;

static void failed(run *r, const char *what, const rsdk_error *err) {
    pthread_mutex_lock(&r->mu);
    if (atomic_fetch_add(&r->failed, 1) == 0)
        snprintf(r->first_error, sizeof r->first_error, "%s: %.200s", what, err->message);
    pthread_mutex_unlock(&r->mu);
}

static void *work(void *arg) {
    worker *w = arg;
    run *r = w->r;
    char key[32], seq[32];
    snprintf(key, sizeof key, "entra:rot:%d", w->id);
    while (!atomic_load(&r->stop)) {
        rsdk_reply *rep = NULL;
        rsdk_error err;
        if (rsdk_pool_command(r->pool, &rep, &err, "INCR", key, (const char *)NULL)) {
            failed(r, "INCR", &err);
            continue;
        }
        rsdk_reply_free(rep);
        atomic_fetch_add(&r->ok, 1);
        if (w->id == 0) {
            /* Only this thread publishes, so the numbers go out in order. */
            snprintf(seq, sizeof seq, "%ld", atomic_load(&r->published) + 1);
            if (rsdk_pool_command(r->pool, &rep, &err, "PUBLISH", CHANNEL, seq, (const char *)NULL)) {
                failed(r, "PUBLISH", &err);
                continue;
            }
            rsdk_reply_free(rep);
            atomic_fetch_add(&r->published, 1);
        }
        rsdk_test_sleep_ms(2);
    }
    return NULL;
}

/* Receives until told to stop and everything published has arrived. */
static void *listen_(void *arg) {
    run *r = arg;
    long last = 0;
    while (!atomic_load(&r->stop) || atomic_load(&r->received) < atomic_load(&r->published)) {
        rsdk_pubsub_msg m;
        rsdk_status st = rsdk_pubsub_next(r->sub, &m, 100);
        if (st == RSDK_ERR_TIMEOUT) {
            if (atomic_load(&r->stop) == 2) break; /* gave up waiting */
            continue;
        }
        if (st) {
            failed(r, "pubsub_next", rsdk_pubsub_error(r->sub));
            continue;
        }
        long n = strtol(m.payload.ptr, NULL, 10);
        if (n != last + 1) atomic_fetch_add(&r->out_of_order, 1);
        last = n;
        atomic_fetch_add(&r->received, 1);
        rsdk_pubsub_msg_deinit(&m);
    }
    return NULL;
}

static void rotate_under_load(entra_env *env, int sub_protocol) {
    /* 3 s, not less: exp is in whole seconds, so a token lives 2..3 s. */
    entra_idp_control(&env->idp, "/set?ttl_s=3");
    entra_events ev;
    entra_events_init(&ev);
    rentra_opts o;
    entra_opts_secret(env, &o);
    o.refresh_ratio = 0.5;
    o.events = ev.bus;
    rsdk_credentials_provider *p = entra_provider(&o);

    run r;
    memset(&r, 0, sizeof r);
    pthread_mutex_init(&r.mu, NULL);
    rsdk_error err;
    rsdk_pool_opts po;
    rsdk_client_opts po_client;
    rsdk_pool_opts_init(&po);
    rsdk_client_opts_init(&po_client);
    po.client = &po_client;
    entra_client_opts(env, &po_client, p);
    po_client.events = ev.bus;
    po.max_size = 4;
    assert_int_equal(rsdk_pool_new(&po, &r.pool, &err), RSDK_OK);
    rsdk_pubsub_opts so;
    rsdk_client_opts so_client;
    rsdk_pubsub_opts_init(&so);
    rsdk_client_opts_init(&so_client);
    so.client = &so_client;
    entra_client_opts(env, &so_client, p);
    so_client.protocol = sub_protocol;
    so.events = ev.bus;
    assert_int_equal(rsdk_pubsub_new(&so, &r.sub, &err), RSDK_OK);
    rsdk_str ch = rsdk_str_c(CHANNEL);
    assert_int_equal(rsdk_pubsub_subscribe(r.sub, &ch, 1), RSDK_OK);

    pthread_t t[5];
    worker w[4];
    assert_int_equal(pthread_create(&t[4], NULL, listen_, &r), 0);
    for (int i = 0; i < 4; i++) {
        w[i] = (worker){&r, i};
        assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    /* The first token and three rotations. */
    ENTRA_WAIT(entra_events_count(&ev, RSDK_EVENT_TOKEN_REFRESHED) >= 4, 20000);
    rsdk_test_sleep_ms(200);
    atomic_store(&r.stop, 1);
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    ENTRA_WAIT(atomic_load(&r.received) >= atomic_load(&r.published), 5000);
    atomic_store(&r.stop, 2);
    pthread_join(t[4], NULL);

    size_t tokens = entra_events_count(&ev, RSDK_EVENT_TOKEN_REFRESHED);
    print_message("RESP%d subscriber: %zu tokens, %ld commands, %ld published, %ld received, %zu re-AUTHs\n",
                  sub_protocol, tokens, atomic_load(&r.ok), atomic_load(&r.published),
                  atomic_load(&r.received), entra_events_count(&ev, RSDK_EVENT_REAUTH_SUCCEEDED));
    if (atomic_load(&r.failed)) print_message("first failure: %s\n", r.first_error);
    entra_event f;
    if (entra_events_last(&ev, RSDK_EVENT_TOKEN_REFRESH_FAILED, &f))
        print_message("refresh failed: %s\n", f.message);
    assert_true(tokens >= 4);
    assert_int_equal(atomic_load(&r.failed), 0);
    assert_true(atomic_load(&r.published) > 0);
    assert_int_equal(atomic_load(&r.received), atomic_load(&r.published));
    assert_int_equal(atomic_load(&r.out_of_order), 0);
    assert_int_equal(entra_events_count(&ev, RSDK_EVENT_REAUTH_FAILED), 0);
    assert_int_equal(entra_events_count(&ev, RSDK_EVENT_TOKEN_REFRESH_FAILED), 0);
    assert_true(entra_events_count(&ev, RSDK_EVENT_REAUTH_SUCCEEDED) >= 3);

    /* A connection opened now logs in with the newest token. */
    rsdk_client_opts co;
    entra_client_opts(env, &co, p);
    rsdk_client *c = rsdk_test_client_open(&co);
    CMD_STR(c, IDP_SECRET_OID, "ACL", "WHOAMI");
    rsdk_client_close(c);

    rsdk_pubsub_free(r.sub);
    rsdk_pool_free(r.pool);
    rsdk_credentials_provider_free(p);
    entra_events_deinit(&ev);
    pthread_mutex_destroy(&r.mu);
}

RSDK_TEST_SERVER_CASE(test_rotation_with_resp3_subscriber, rotate_under_load, 3)
RSDK_TEST_SERVER_CASE(test_rotation_with_resp2_subscriber, rotate_under_load, 2)

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rotation_with_resp3_subscriber),
        cmocka_unit_test(test_rotation_with_resp2_subscriber),
    };
    return cmocka_run_group_tests(tests, entra_env_setup, entra_env_teardown);
}
