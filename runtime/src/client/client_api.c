/* The narrow calls the session layer uses instead of the client's fields
 * (client_api.h). */
#include "client_api.h"

#include "client_state.h"

rsdk__txn_state *rsdk__client_txn(rsdk_client *c) { return &c->txn; }

uint64_t rsdk__client_connects(const rsdk_client *c) { return c->connects; }

rsdk_error *rsdk__client_err(rsdk_client *c) { return &c->err; }

int rsdk__client_fd(const rsdk_client *c) { return c->conn ? c->conn->fd : -1; }

void rsdk__client_next_call_never_blocks(rsdk_client *c) { c->call_may_block = 0; }

bool rsdk_client_in_multi(const rsdk_client *c) { return c && c->txn.in_multi; }

bool rsdk_client_watching(const rsdk_client *c) { return c && c->txn.watching; }

void rsdk__client_set_pooled(rsdk_client *c, void *slot) { c->pool_slot = slot; }

int rsdk__client_set_io_timeout(rsdk_client *c, int timeout_ms) {
    int old = c->io_timeout_ms;
    c->io_timeout_ms = timeout_ms;
    return old;
}

rsdk_credentials_provider *rsdk__client_creds_provider(const rsdk_client *c) { return c->cred; }

uint64_t rsdk__client_auth_gen(const rsdk_client *c) { return c->auth_gen; }

void rsdk__client_opts_of(const rsdk_client *c, rsdk_client_opts *o) {
    *o = c->opts;
    o->retry = &c->retry; /* the caller's policy may be gone: use the copy */
}

void rsdk__client_set_push_hook(rsdk_client *c, rsdk__push_hook_fn hook, void *state) {
    c->push_hook = hook;
    c->push_hook_ud = state;
}

bool rsdk__client_push_hook_is(const rsdk_client *c, rsdk__push_hook_fn hook) {
    return c->push_hook == hook;
}

void rsdk__client_set_inval(rsdk_client *c, void (*fn)(const rsdk_reply *keys, void *ud), void *ud) {
    c->inval_fn = fn;
    c->inval_ud = ud;
}

bool rsdk__client_invalidate(rsdk_client *c, const rsdk_reply *keys) {
    if (!c->inval_fn) return false;
    c->inval_fn(keys, c->inval_ud);
    return true;
}

void rsdk__client_take_handlers(rsdk_client *to, const rsdk_client *from) {
    to->push_fn = from->push_fn;
    to->push_ud = from->push_ud;
    to->inval_fn = from->inval_fn;
    to->inval_ud = from->inval_ud;
}
