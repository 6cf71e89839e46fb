/* Shared setup of the search tests: a server with RediSearch loaded, one
 * per cmocka group (Redis 8.0 or Valkey 9.1). */
#ifndef RSDK_TEST_SEARCH_FIXTURE_H
#define RSDK_TEST_SEARCH_FIXTURE_H

#include "rsdk/rsdk.h"
#include "support/server.h"

#define S(x) rsdk_str_c(x)

/* cmocka group setups for the servers the module loads into. */
int search_setup_redis80(void **state);
int search_setup_valkey91(void **state);
int search_setup_valkey81(void **state);

/* A client of protocol `proto` on the group's server, with an empty
 * keyspace and no index left from an earlier test. */
rsdk_client *search_client(void **state, int proto);

/* total_commands_processed of the server, through `c` (INFO stats; the
 * INFO call itself counts once). */
long long search_commands_processed(rsdk_client *c);

#endif
