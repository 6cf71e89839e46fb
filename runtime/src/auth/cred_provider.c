/* Credentials values and the generic provider: generation, subscribers, get. */
#include <stdatomic.h>

#include "alloc.h"
#include "cred_provider.h"
#include "rsdk/error.h"

struct rsdk_credentials_provider {
    rsdk_credentials_provider_ops ops;
    void *self;
    _Atomic uint64_t generation;
    rsdk_events *subscribers; /* CREDENTIALS_CHANGED listeners */
    bool owned;               /* freed by its owner, not by the public _free */
};

/* Copies `s` NUL-terminated; NULL on overflow or out of memory. */
static char *copy_secret(rsdk_str s) {
    if (s.len == SIZE_MAX) return NULL;
    char *d = rsdk__malloc(s.len + 1);
    if (!d) return NULL;
    if (s.len) memcpy(d, s.ptr, s.len);
    d[s.len] = '\0';
    return d;
}

static void free_secret(char *s, size_t len) {
    if (!s) return;
    rsdk__wipe(s, len + 1);
    rsdk__free(s);
}

rsdk_status rsdk_credentials_set(rsdk_credentials *c, rsdk_str username, rsdk_str password,
                                 int64_t expires_at_ms) {
    if (!c || !password.ptr || (!username.ptr && username.len)) return RSDK_ERR_INVALID_ARG;
    char *pw = copy_secret(password);
    if (!pw) return RSDK_ERR_NOMEM;
    char *user = NULL;
    if (username.ptr) {
        user = copy_secret(username);
        if (!user) {
            free_secret(pw, password.len);
            return RSDK_ERR_NOMEM;
        }
    }
    uint64_t gen = c->generation;
    rsdk_credentials_deinit(c);
    c->username = user;
    c->username_len = user ? username.len : 0;
    c->password = pw;
    c->password_len = password.len;
    c->expires_at_ms = expires_at_ms;
    c->generation = gen;
    return RSDK_OK;
}

void rsdk_credentials_deinit(rsdk_credentials *c) {
    if (!c) return;
    free_secret(c->username, c->username_len);
    free_secret(c->password, c->password_len);
    memset(c, 0, sizeof *c);
}

static rsdk_status provider_new(const rsdk_credentials_provider_ops *ops, void *self, bool owned,
                                rsdk_credentials_provider **out) {
    if (!ops || !ops->get || !out) return RSDK_ERR_INVALID_ARG;
    rsdk_credentials_provider *p = rsdk__calloc(1, sizeof *p);
    if (!p) return RSDK_ERR_NOMEM;
    rsdk_status st = rsdk_events_new(&p->subscribers);
    if (st != RSDK_OK) {
        rsdk__free(p);
        return st;
    }
    p->ops = *ops;
    p->self = self;
    p->owned = owned;
    atomic_init(&p->generation, 1);
    *out = p;
    return RSDK_OK;
}

rsdk_status rsdk_credentials_provider_new(const rsdk_credentials_provider_ops *ops, void *self,
                                          rsdk_credentials_provider **out) {
    return provider_new(ops, self, false, out);
}

rsdk_status rsdk__credentials_provider_new_owned(const rsdk_credentials_provider_ops *ops,
                                                 void *self, rsdk_credentials_provider **out) {
    return provider_new(ops, self, true, out);
}

void rsdk__credentials_provider_destroy(rsdk_credentials_provider *p) {
    if (!p) return;
    if (p->ops.free) p->ops.free(p->self);
    rsdk_events_free(p->subscribers);
    rsdk__free(p);
}

void rsdk_credentials_provider_free(rsdk_credentials_provider *p) {
    if (!p || p->owned) return;
    rsdk__credentials_provider_destroy(p);
}

rsdk_status rsdk_credentials_provider_get(rsdk_credentials_provider *p, rsdk_credentials *out,
                                          rsdk_error *err) {
    if (!p || !out) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "no provider or output");
    /* Generation first: see the header for why this order is the safe one. */
    uint64_t gen = atomic_load_explicit(&p->generation, memory_order_acquire);
    rsdk_credentials tmp = {0};
    rsdk_error e;
    rsdk_error_clear(&e);
    rsdk_status st = p->ops.get(p->self, &tmp, &e);
    if (st == RSDK_OK && !tmp.password) {
        st = rsdk_error_set(&e, RSDK_ERR_CREDENTIALS, 0, "credentials provider returned no password");
    }
    if (st != RSDK_OK) {
        rsdk_credentials_deinit(&tmp);
        if (e.code == RSDK_OK) {
            rsdk_error_set(&e, st, 0, "credentials provider failed: %s", rsdk_status_str(st));
        }
        e.code = st;
        if (err) *err = e;
        return st;
    }
    tmp.generation = gen;
    *out = tmp;
    return RSDK_OK;
}

uint64_t rsdk_credentials_provider_generation(const rsdk_credentials_provider *p) {
    if (!p) return 0;
    return atomic_load_explicit(&((rsdk_credentials_provider *)p)->generation,
                                memory_order_acquire);
}

uint64_t rsdk_credentials_provider_notify(rsdk_credentials_provider *p) {
    if (!p) return 0;
    uint64_t gen = atomic_fetch_add_explicit(&p->generation, 1, memory_order_acq_rel) + 1;
    rsdk_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = RSDK_EVENT_CREDENTIALS_CHANGED;
    ev.source = p;
    ev.credentials.generation = gen;
    rsdk_events_emit(p->subscribers, &ev);
    return gen;
}

rsdk_status rsdk_credentials_provider_subscribe(rsdk_credentials_provider *p, rsdk_event_fn fn,
                                                void *ud, uint64_t *id) {
    if (!p) return RSDK_ERR_INVALID_ARG;
    return rsdk_events_subscribe(p->subscribers, RSDK_EVENT_MASK(RSDK_EVENT_CREDENTIALS_CHANGED),
                                 fn, ud, id);
}

rsdk_status rsdk_credentials_provider_unsubscribe(rsdk_credentials_provider *p, uint64_t id) {
    if (!p) return RSDK_ERR_INVALID_ARG;
    return rsdk_events_unsubscribe(p->subscribers, id);
}
