/* tests/tls/tls_server.h — a throwaway redis-server speaking TLS, with the
 * test PKI of certs.h, for cmocka group setups.
 *
 * The server gets --tls-port (a free port), its certificate and key, the
 * test CA for client certificates, and --port 0 (no plain TCP listener)
 * unless the test asks to keep one. The harness still pings it over its
 * Unix socket. A server binary without TLS support (it rejects
 * --tls-port) makes the tests skip with that reason printed. */
#ifndef RSDK_TESTS_TLS_SERVER_H
#define RSDK_TESTS_TLS_SERVER_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "certs.h"
#include "rsdk/rsdk.h"
#include "support/server.h"

typedef struct tls_server_cfg {
    const char *auth_clients; /* --tls-auth-clients: "yes", "no" (default), "optional" */
    const char *protocols;    /* --tls-protocols, e.g. "TLSv1.2"; NULL: server default */
    bool keep_plain_port;     /* also listen on plain TCP (srv.port) */
} tls_server_cfg;

typedef struct tls_server {
    tls_certs certs;
    rsdk_test_server srv;
    int tls_port;
    char tls_port_arg[16];
    const char *args[24];
} tls_server;

/* Makes the PKI and starts a server into *state (heap). Returns 0 with
 * *state NULL when the tests must skip (reason printed), -1 on failure. */
int tls_server_setup(void **state, const tls_server_cfg *cfg);

/* Stops the server, removes the PKI, frees *state. */
int tls_server_teardown(void **state);

/* Client options for the server: host 127.0.0.1, the TLS port, tls on,
 * tls_ca_file the test CA (verification on). Calls rsdk_client_opts_init. */
void tls_server_opts(const tls_server *t, rsdk_client_opts *o);

/* Opens a client with `o`, failing the test (with the error) unless it
 * works. */
rsdk_client *tls_open_ok(const rsdk_client_opts *o);

/* Opens a client with `o`, expecting failure with `code` and a message
 * that contains `text`; returns nothing (the test fails otherwise). */
void tls_open_fails(const rsdk_client_opts *o, rsdk_status code, const char *text);

/* Runs a NULL-terminated command; fails the test unless it succeeded with
 * a string/status reply equal to `want` (want NULL: any reply). */
void tls_cmd(rsdk_client *c, const char *want, const char *const *argv);
#define TLS_CMD(c, want, ...) tls_cmd((c), (want), (const char *const[]){__VA_ARGS__, NULL})

#endif
