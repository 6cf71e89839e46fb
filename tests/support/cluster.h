/* tests/support/cluster.h — a throwaway 6-node Redis Cluster (3 primaries,
 * 3 replicas) per test binary.
 *
 * Six servers from tests/support/server.h with --cluster-enabled yes (bus
 * port picked free, node timeout 1 s), joined by `redis-cli --cluster create
 * ... --cluster-replicas 1`, then waited on until every node says
 * cluster_state:ok and every primary has its replica. The server and the
 * redis-cli come from the matrix folder named by `server` (NULL: the
 * default redis-server and redis-cli on PATH). Missing binaries skip, or
 * fail under RSDK_REQUIRE_SERVER=1. */
#ifndef RSDK_TEST_CLUSTER_H
#define RSDK_TEST_CLUSTER_H

#include "support/server.h"

#define RSDK_TEST_CLUSTER_NODES 6

typedef struct rsdk_test_cluster {
    rsdk_test_server node[RSDK_TEST_CLUSTER_NODES];
    char bus_port[RSDK_TEST_CLUSTER_NODES][8];
    const char *args[RSDK_TEST_CLUSTER_NODES][12];
    char cli[512];  /* the redis-cli that goes with the server */
    char seed[64];  /* "redis://127.0.0.1:<port of node 0>" */
} rsdk_test_cluster;

/* Starts and joins the cluster (about 3 s). */
rsdk_test_server_result rsdk_test_cluster_start(rsdk_test_cluster *c, const char *server);

/* Stops every node and removes their files. Safe to call twice. */
void rsdk_test_cluster_stop(rsdk_test_cluster *c);

/* The server name a test binary should use: $RSDK_TEST_CLUSTER_SERVER
 * (a matrix folder name), or NULL for the default. */
const char *rsdk_test_cluster_server(void);

/* Index of the node listening on `port`, or -1. */
int rsdk_test_cluster_node_by_port(const rsdk_test_cluster *c, int port);

/* A plain client to node `i` (Unix socket); fails the test on error. */
rsdk_client *rsdk_test_cluster_client(const rsdk_test_cluster *c, int i);

/* Waits (up to `timeout_ms`) until every running node reports
 * cluster_state:ok; false on timeout. */
bool rsdk_test_cluster_wait_ok(const rsdk_test_cluster *c, long timeout_ms);

/* The node id (CLUSTER MYID) of node `i`, into buf (at least 48 bytes). */
void rsdk_test_cluster_node_id(const rsdk_test_cluster *c, int i, char *buf, size_t size);

/* cmocka group setup/teardown: a cluster in *state, or NULL (tests skip
 * with RSDK_TEST_NEED_SERVER) when the server is missing and not required. */
int rsdk_test_cluster_group_setup(void **state);
int rsdk_test_cluster_group_teardown(void **state);

#endif
