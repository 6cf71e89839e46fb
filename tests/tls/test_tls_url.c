/* rediss:// URLs turn TLS on and use the default trust (here: the test CA
 * through $SSL_CERT_FILE, which OpenSSL's default paths honour); a parsed
 * rediss:// URL combines with explicit TLS options; redis:// turns it off. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tls_server.h"

static int setup(void **state) {
    tls_server_cfg cfg = {.auth_clients = "no"};
    return tls_server_setup(state, &cfg);
}

static void test_rediss_url_with_default_trust(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tls_server *t = *state;
    char url[128];
    snprintf(url, sizeof url, "rediss://localhost:%d/3?protocol=2", t->tls_port);

    /* Without the test CA in the default trust, verification fails. */
    unsetenv("SSL_CERT_FILE");
    rsdk_client *c = NULL;
    rsdk_error err;
    assert_int_equal(rsdk_client_open_url(url, &c, &err), RSDK_ERR_TLS);
    assert_non_null(strstr(err.message, "TLS: certificate verify failed: "));
    assert_null(c);

    assert_int_equal(setenv("SSL_CERT_FILE", t->certs.ca_file, 1), 0);
    rsdk_status s = rsdk_client_open_url(url, &c, &err);
    unsetenv("SSL_CERT_FILE");
    if (s) fail_msg("open %s: %s (%s)", url, rsdk_status_name(s), err.message);
    assert_int_equal(rsdk_client_protocol(c), 2);
    CMD_STR(c, "OK", "SET", "url", "rediss");
    CMD_STR(c, "rediss", "GET", "url");
    rsdk_reply *r = NULL;
    const char *info[] = {"CLIENT", "INFO"};
    assert_int_equal(rsdk_client_command_argv(c, 2, info, NULL, &r), RSDK_OK);
    assert_non_null(strstr(r->str, " db=3 "));
    rsdk_reply_free(r);
    rsdk_client_close(c);
}

static void test_parsed_url_with_tls_options(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tls_server *t = *state;
    char url[128];
    snprintf(url, sizeof url, "rediss://127.0.0.1:%d", t->tls_port);
    rsdk_url u;
    assert_int_equal(rsdk_url_parse(url, &u, NULL), RSDK_OK);
    rsdk_client_opts o;
    rsdk_client_opts_init(&o);
    assert_null(o.tls);
    rsdk_client_opts_from_url(&o, &u);
    assert_ptr_equal(o.tls, rsdk_tls_opts_default()); /* rediss:// turned TLS on */
    assert_true(o.tls->verify);
    rsdk_tls_opts tls = *o.tls; /* a URL option on top: this test's CA */
    tls.ca_file = t->certs.ca_file;
    o.tls = &tls;
    rsdk_client *c = rsdk_test_client_open(&o);
    rsdk_url_deinit(&u);
    CMD_STR(c, "PONG", "PING");
    rsdk_client_close(c);
}

static void test_redis_url_turns_tls_off(void **state) {
    (void)state;
    rsdk_url u;
    assert_int_equal(rsdk_url_parse("redis://127.0.0.1:6390", &u, NULL), RSDK_OK);
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    rsdk_tls_opts_init(&tls);
    rsdk_client_opts_init(&o);
    o.tls = &tls;
    rsdk_client_opts_from_url(&o, &u);
    assert_null(o.tls);
    rsdk_url_deinit(&u);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rediss_url_with_default_trust),
        cmocka_unit_test(test_parsed_url_with_tls_options),
        cmocka_unit_test(test_redis_url_turns_tls_off),
    };
    return cmocka_run_group_tests(tests, setup, tls_server_teardown);
}
