/* tests/sentinel/sentinel_harness.h — a throwaway Sentinel deployment per
 * test binary: a primary and one replica (tests/support/server.h) and three
 * sentinels (`redis-server <config> --sentinel`, the config written into
 * each sentinel's temp dir) monitoring them as "mymaster" with quorum 2,
 * down-after-milliseconds 1000 and failover-timeout 4000. Started when every
 * sentinel sees the replica (link ok) and the two other sentinels. The
 * binaries come from the matrix folder named by $RSDK_TEST_SENTINEL_SERVER
 * (default: redis-server on PATH). Missing binaries skip, or fail under
 * RSDK_REQUIRE_SERVER=1. */
#ifndef RSDK_TEST_SENTINEL_HARNESS_H
#define RSDK_TEST_SENTINEL_HARNESS_H

#include <stdbool.h>
#include <sys/types.h>

#include "support/server.h"

#define SH_SENTINELS 3
#define SH_MASTER "mymaster"

typedef struct sh_sentinel {
    pid_t pid;
    int port;
    char dir[256];
    char conf[300];
    char addr[32]; /* "127.0.0.1:<port>" */
} sh_sentinel;

/* A deployment over TLS: every node (data and sentinel) listens on a TLS
 * port only (no plain TCP port; the harness still reaches the data nodes
 * over their Unix sockets), replication and the sentinels' links use TLS,
 * clients need no certificate. `client` is what the harness's own clients
 * of the sentinels use (at least ca_file). */
typedef struct sh_tls {
    const char *cert_file, *key_file, *ca_file; /* the servers' (PEM) */
    const rsdk_tls_opts *client;
} sh_tls;

typedef struct sh_deploy {
    rsdk_test_server data[2]; /* 0: the first primary, 1: its replica */
    const char *data_args[2][24];
    const sh_tls *tls;        /* NULL: plain TCP */
    int tls_port[2];          /* the data nodes' TLS ports, with `tls` */
    char tls_port_arg[2][8];
    const char *data_pass;     /* requirepass and masterauth of the data nodes, or NULL */
    const char *sentinel_pass; /* requirepass of the sentinels, or NULL */
    char primary_port[8];
    char binary[512];
    sh_sentinel sen[SH_SENTINELS];
    const char *addrs[SH_SENTINELS]; /* sen[i].addr, for rsdk_sentinel_opts */
} sh_deploy;

/* Starts the deployment (a few seconds: the sentinels find one another
 * through the primary's hello channel). */
rsdk_test_server_result sh_start(sh_deploy *d, const char *server);

/* The same with passwords (static strings, or NULL for none): the data
 * nodes' (requirepass, masterauth; the sentinels get auth-pass) and the
 * sentinels' own (requirepass, sentinel-pass between them). */
rsdk_test_server_result sh_start_auth(sh_deploy *d, const char *server, const char *data_pass,
                                      const char *sentinel_pass);

/* The same over TLS (`tls` must outlive the deployment); no passwords. */
rsdk_test_server_result sh_start_tls(sh_deploy *d, const char *server, const sh_tls *tls);

/* The port data node i is known by to the sentinels (its TLS port with
 * TLS). */
int sh_data_port(const sh_deploy *d, int i);

/* Kills every process and removes their files. Safe to call twice. */
void sh_stop(sh_deploy *d);

/* Kills sentinel i (SIGKILL). */
void sh_kill_sentinel(sh_deploy *d, int i);

/* A plain client to sentinel i (TCP, with the sentinels' password); fails
 * the test on error. */
rsdk_client *sh_sentinel_client(const sh_deploy *d, int i);

/* A plain client to data node i (Unix socket, with the data password);
 * fails the test on error. */
rsdk_client *sh_data_client(const sh_deploy *d, int i);

/* True when INFO `section` of `c` contains `text`; fails the test when
 * INFO fails. */
bool sh_info_has(rsdk_client *c, const char *section, const char *text);

/* The integer INFO field `field` ("total_connections_received") of
 * `section`; fails the test when missing. */
long long sh_info_int(rsdk_client *c, const char *section, const char *field);

/* Waits up to `timeout_ms` until data node i's replication link is up;
 * fails the test on timeout. */
void sh_wait_link_up(const sh_deploy *d, int i, long timeout_ms);

/* The data node listening on `port`, or -1. */
int sh_data_by_port(const sh_deploy *d, int port);

/* The server name from $RSDK_TEST_SENTINEL_SERVER, or NULL. */
const char *sh_server(void);

/* cmocka group setup/teardown: a deployment in *state, or NULL (tests skip
 * with RSDK_TEST_NEED_SERVER) when the server is missing and not required. */
int sh_group_setup(void **state);
int sh_group_teardown(void **state);

#endif
