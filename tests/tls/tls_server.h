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

#include "certs.h"
#include "support/live.h"

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

/* Two servers with the same --tls-auth-clients (`auth_clients`): `both`
 * with the server's default protocols (TLS 1.2 and 1.3, so 1.3 is picked),
 * `v12` limited to TLS 1.2. */
typedef struct tls_server_pair {
    tls_server *both, *v12;
} tls_server_pair;

/* Starts both into *state (heap); 0 with *state NULL when the tests must
 * skip, -1 on failure, like tls_server_setup. */
int tls_server_pair_setup(void **state, const char *auth_clients);

/* Stops both servers and frees *state. */
int tls_server_pair_teardown(void **state);

/* Client options for the server: host 127.0.0.1, the TLS port, TLS on
 * with `tls` (rsdk_tls_opts_init, ca_file the test CA, verification on),
 * which must outlive the use of `o`. Calls rsdk_client_opts_init. */
void tls_server_opts(const tls_server *t, rsdk_client_opts *o, rsdk_tls_opts *tls);

/* A client with tls_server_opts; fails the test unless it opened. */
rsdk_client *tls_client(const tls_server *t);

/* Opens a client with `o`, expecting failure with `code` and a message
 * that contains `text`; returns nothing (the test fails otherwise). */
void tls_open_fails(const rsdk_client_opts *o, rsdk_status code, const char *text);

/* A socket listening on 127.0.0.1 that never accepts; the kernel still
 * completes TCP connects into its backlog, so a TLS handshake is never
 * answered. Returns the fd, its port in *port. */
int tls_silent_listener(int *port);

#endif
