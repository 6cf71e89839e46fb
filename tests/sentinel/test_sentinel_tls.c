/* Sentinels and data nodes served over TLS only, with a PKI made at test
 * time (tests/tls/certs.h): the sentinel client asks the sentinels over
 * TLS, reaches the primary and a replica over TLS with verification on,
 * and a client that trusts another CA — on the sentinels' side or on the
 * data nodes' — is refused with a TLS error that says which. */
#include "../tls/certs.h"
#include "sentinel_test.h"

typedef struct tls_deploy {
    sh_deploy d;
    tls_certs certs;
    rsdk_tls_opts client;
    sh_tls tls;
} tls_deploy;

static int setup(void **state) {
    *state = NULL;
    tls_deploy *t = calloc(1, sizeof *t);
    if (!t) return -1;
    if (!tls_certs_make_or_say(&t->certs)) {
        free(t);
        return -1;
    }
    rsdk_tls_opts_init(&t->client);
    t->client.ca_file = t->certs.ca_file;
    t->tls = (sh_tls){t->certs.server_cert, t->certs.server_key, t->certs.ca_file, &t->client};
    rsdk_test_server_result r = sh_start_tls(&t->d, sh_server(), &t->tls);
    if (r == RSDK_TEST_SERVER_OK) {
        *state = t;
        return 0;
    }
    tls_certs_remove(&t->certs);
    free(t);
    return r == RSDK_TEST_SERVER_SKIP ? 0 : -1;
}

static int teardown(void **state) {
    tls_deploy *t = *state;
    if (t) {
        sh_stop(&t->d);
        tls_certs_remove(&t->certs);
        free(t);
    }
    return 0;
}

/* Opens with the given CA files for the sentinels and the data nodes
 * (NULL: no TLS on that side). */
static rsdk_status open_with(tls_deploy *t, const char *sentinel_ca, const char *data_ca,
                             rsdk_sentinel **out, rsdk_error *err) {
    rsdk_sentinel_opts o;
    rsdk_client_opts co, so;
    rsdk_tls_opts stls, dtls;
    st_opts(&t->d, &o, &co, 2000, false);
    rsdk_client_opts_init(&so);
    so.connect_timeout_ms = so.command_timeout_ms = 2000;
    rsdk_tls_opts_init(&stls);
    rsdk_tls_opts_init(&dtls);
    stls.ca_file = sentinel_ca;
    dtls.ca_file = data_ca;
    so.tls = sentinel_ca ? &stls : NULL;
    co.tls = data_ca ? &dtls : NULL;
    o.sentinel_client = &so;
    *out = NULL;
    return rsdk_sentinel_open(&o, out, err);
}

static void discovers_and_talks_over_tls_with_verification(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tls_deploy *t = *state;
    rsdk_sentinel *s = NULL;
    rsdk_error err;
    rsdk_status st = open_with(t, t->certs.ca_file, t->certs.ca_file, &s, &err);
    if (st != RSDK_OK) fail_msg("open over TLS: %s: %s", rsdk_status_name(st), err.message);
    /* The primary is the TLS port of data node 0: the sentinels know the
     * nodes by their TLS ports alone. */
    assert_int_equal(st_primary_port(s), sh_data_port(&t->d, 0));
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_sentinel_command(s, &r, &err, "SET", "tls:k", "v", (const char *)NULL), RSDK_OK);
    assert_string_equal(r->str, "OK");
    rsdk_reply_free(r);
    /* The replica, over TLS too (replication itself runs over TLS). */
    sh_wait_link_up(&t->d, 1, 5000);
    const char *argv[] = {"GET", "tls:k"};
    long long end = rsdk_test_now_ms() + 5000;
    for (;;) {
        assert_int_equal(rsdk_sentinel_command_argv(s, RSDK_SENTINEL_REPLICA, 2, argv, NULL, &r, &err),
                         RSDK_OK);
        bool there = r->type == RSDK_REPLY_STRING && strcmp(r->str, "v") == 0;
        rsdk_reply_free(r);
        if (there) break;
        if (rsdk_test_now_ms() > end) fail_msg("the replica never had tls:k");
        rsdk_test_sleep_ms(20);
    }
    rsdk_sentinel_close(s);
}

/* Opening with these CA files fails with RSDK_ERR_TLS and OpenSSL's
 * reason; the message is returned in err. */
static void refused(tls_deploy *t, const char *sentinel_ca, const char *data_ca, rsdk_error *err) {
    rsdk_sentinel *s = NULL;
    assert_int_equal(open_with(t, sentinel_ca, data_ca, &s, err), RSDK_ERR_TLS);
    assert_null(s);
    assert_non_null(strstr(err->message, "certificate verify failed"));
}

static void a_sentinel_with_an_unknown_ca_is_refused(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tls_deploy *t = *state;
    rsdk_error err;
    /* Every sentinel's certificate fails verification against the other
     * CA; the message names them. */
    refused(t, t->certs.other_ca_file, t->certs.ca_file, &err);
    printf("sentinels, wrong CA: %s\n", err.message);
    assert_non_null(strstr(err.message, t->d.addrs[0]));
}

static void a_primary_with_an_unknown_ca_is_refused(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tls_deploy *t = *state;
    rsdk_error err;
    /* The sentinels answer; the primary's certificate is not trusted. */
    refused(t, t->certs.ca_file, t->certs.other_ca_file, &err);
    printf("primary, wrong CA: %s\n", err.message);
    assert_non_null(strstr(err.message, "primary"));
}

static void plain_tcp_to_a_tls_sentinel_fails(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tls_deploy *t = *state;
    rsdk_sentinel *s = NULL;
    rsdk_error err;
    rsdk_status st = open_with(t, NULL, t->certs.ca_file, &s, &err);
    printf("plain TCP to TLS sentinels: %s: %s\n", rsdk_status_name(st), err.message);
    /* The sentinels drop a connection that does not start a handshake. */
    assert_int_equal(st, RSDK_ERR_CONNECT);
    assert_null(s);
    assert_non_null(strstr(err.message, "no sentinel answered"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(discovers_and_talks_over_tls_with_verification),
        cmocka_unit_test(a_sentinel_with_an_unknown_ca_is_refused),
        cmocka_unit_test(a_primary_with_an_unknown_ca_is_refused),
        cmocka_unit_test(plain_tcp_to_a_tls_sentinel_fails),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
