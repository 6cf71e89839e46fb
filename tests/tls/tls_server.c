/* A redis-server with TLS for the tests in this directory. */
#include "tls_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* Whether the server binary knows the TLS options. A build without TLS
 * rejects "tls-port" as an unknown directive at start-up; a build with it
 * gets past it and stops at the made-up directive that follows, so the
 * name in the complaint tells which. Returns false with the reason in
 * why[] when TLS is missing. */
static bool server_has_tls(char *why, size_t n) {
    const char *bin = rsdk_test_server_binary();
    if (strchr(bin, '\'')) return true; /* cannot quote it: let the start tell */
    char cmd[1200];
    snprintf(cmd, sizeof cmd,
             "'%s' --port 0 --tls-port 0 --rsdk-probe-unknown-directive yes 2>&1 </dev/null", bin);
    FILE *p = popen(cmd, "r");
    if (!p) return true;
    char line[512];
    bool tls = true;
    while (fgets(line, sizeof line, p))
        if (strstr(line, "tls-port")) tls = false;
    pclose(p);
    if (!tls) snprintf(why, n, "%s does not know --tls-port (built without TLS)", bin);
    return tls;
}

static void build_args(tls_server *t, const tls_server_cfg *cfg) {
    int n = 0;
    snprintf(t->tls_port_arg, sizeof t->tls_port_arg, "%d", t->tls_port);
    t->args[n++] = "--tls-port";
    t->args[n++] = t->tls_port_arg;
    if (!cfg->keep_plain_port) {
        t->args[n++] = "--port"; /* the later --port wins over the harness's */
        t->args[n++] = "0";
    }
    t->args[n++] = "--tls-cert-file";
    t->args[n++] = t->certs.server_cert;
    t->args[n++] = "--tls-key-file";
    t->args[n++] = t->certs.server_key;
    t->args[n++] = "--tls-ca-cert-file";
    t->args[n++] = t->certs.ca_file;
    t->args[n++] = "--tls-auth-clients";
    t->args[n++] = cfg->auth_clients ? cfg->auth_clients : "no";
    /* "-::1": listen on IPv6 loopback when the machine has it. */
    t->args[n++] = "--bind";
    t->args[n++] = "127.0.0.1";
    t->args[n++] = "-::1";
    if (cfg->protocols) {
        t->args[n++] = "--tls-protocols";
        t->args[n++] = cfg->protocols;
    }
    t->args[n] = NULL;
}

int tls_server_setup(void **state, const tls_server_cfg *cfg) {
    *state = NULL;
    tls_server *t = calloc(1, sizeof *t);
    if (!t) return -1;
    if (!tls_certs_make_or_say(&t->certs)) {
        free(t);
        return -1;
    }
    rsdk_test_server_result r = RSDK_TEST_SERVER_FAIL;
    /* The TLS port is picked before the server binds it; another process
     * may take it in between, so a failed start gets a new port. */
    for (int attempt = 0; attempt < 3 && r == RSDK_TEST_SERVER_FAIL; attempt++) {
        t->tls_port = rsdk_test_free_port();
        build_args(t, cfg);
        r = rsdk_test_server_start(&t->srv, t->args);
        char why[300];
        if (r == RSDK_TEST_SERVER_FAIL && !server_has_tls(why, sizeof why)) {
            fprintf(stderr, "SKIP: %s\n", why);
            r = RSDK_TEST_SERVER_SKIP;
        }
        if (r != RSDK_TEST_SERVER_OK) rsdk_test_server_stop(&t->srv);
    }
    if (r == RSDK_TEST_SERVER_OK) {
        *state = t;
        return 0;
    }
    tls_certs_remove(&t->certs);
    free(t);
    return r == RSDK_TEST_SERVER_SKIP ? 0 : -1;
}

int tls_server_teardown(void **state) {
    tls_server *t = *state;
    if (t) {
        rsdk_test_server_stop(&t->srv);
        tls_certs_remove(&t->certs);
        free(t);
    }
    *state = NULL;
    return 0;
}

int tls_server_pair_teardown(void **state) {
    tls_server_pair *pair = *state;
    if (pair) {
        void *t = pair->both;
        tls_server_teardown(&t);
        t = pair->v12;
        tls_server_teardown(&t);
        free(pair);
    }
    *state = NULL;
    return 0;
}

int tls_server_pair_setup(void **state, const char *auth_clients) {
    *state = NULL;
    tls_server_pair *pair = calloc(1, sizeof *pair);
    if (!pair) return -1;
    tls_server_cfg both = {.auth_clients = auth_clients};
    tls_server_cfg v12 = {.auth_clients = auth_clients, .protocols = "TLSv1.2"};
    void *t = NULL;
    int r = tls_server_setup(&t, &both);
    pair->both = t;
    if (r == 0 && t) {
        r = tls_server_setup(&t, &v12);
        pair->v12 = t;
    }
    *state = pair;
    if (r != 0 || !pair->both || !pair->v12) {
        tls_server_pair_teardown(state);
        return r; /* 0 with *state NULL: skip */
    }
    return 0;
}

void tls_server_opts(const tls_server *t, rsdk_client_opts *o, rsdk_tls_opts *tls) {
    rsdk_client_opts_init(o);
    o->host = "127.0.0.1";
    o->port = t->tls_port;
    rsdk_tls_opts_init(tls);
    o->tls = tls;
    tls->ca_file = t->certs.ca_file;
    o->connect_timeout_ms = 5000;
}

rsdk_client *tls_client(const tls_server *t) {
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    tls_server_opts(t, &o, &tls);
    return rsdk_test_client_open(&o);
}

void tls_open_fails(const rsdk_client_opts *o, rsdk_status code, const char *text) {
    rsdk_client *c = NULL;
    rsdk_error err;
    rsdk_error_clear(&err);
    rsdk_status s = rsdk_client_open(o, &c, &err);
    if (s == RSDK_OK) {
        rsdk_client_close(c);
        fail_msg("open succeeded; expected %s (%s)", rsdk_status_name(code), text);
    }
    assert_null(c);
    printf("    failed as expected: %s: %s\n", rsdk_status_name(s), err.message);
    if (s != code || err.code != code || !strstr(err.message, text))
        fail_msg("expected %s containing \"%s\", got %s: \"%s\"", rsdk_status_name(code), text,
                 rsdk_status_name(s), err.message);
}

/* A socket listening on 127.0.0.1 that never accepts; the kernel still
 * completes TCP connects into its backlog. Returns the fd, port in *port. */
int tls_silent_listener(int *port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(fd, 8), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    *port = ntohs(a.sin_port);
    return fd;
}
