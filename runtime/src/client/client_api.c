/* The narrow calls the session layer uses instead of the client's fields
 * (client_api.h). */
#include "client_api.h"

#include "client_state.h"

rsdk__txn_state *rsdk__client_txn(rsdk_client *c) { return &c->txn; }

uint64_t rsdk__client_connects(const rsdk_client *c) { return c->connects; }

rsdk_error *rsdk__client_err(rsdk_client *c) { return &c->err; }

void rsdk__client_next_call_never_blocks(rsdk_client *c) { c->call_may_block = 0; }

bool rsdk_client_in_multi(const rsdk_client *c) { return c && c->txn.in_multi; }

bool rsdk_client_watching(const rsdk_client *c) { return c && c->txn.watching; }
