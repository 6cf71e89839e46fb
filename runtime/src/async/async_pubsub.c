/* Pub/sub on the async client: the names subscribed to (kept to restore
 * them after a reconnect), the commands that (un)subscribe, and the
 * delivery of messages and other pushes. Messages come as RESP3 pushes on
 * the command connection, or on RESP2 as arrays on a subscribed
 * connection. */
#include "async_pubsub.h"

#include <string.h>

#include "alloc.h"
#include "rsdk/writer.h"

static const char *const SUB_CMD[3][2] = {
    {"SUBSCRIBE", "UNSUBSCRIBE"},
    {"PSUBSCRIBE", "PUNSUBSCRIBE"},
    {"SSUBSCRIBE", "SUNSUBSCRIBE"},
};

static bool word_is(const rsdk_reply *r, const char *w) {
    size_t n = strlen(w);
    return (r->type == RSDK_REPLY_STRING || r->type == RSDK_REPLY_STATUS) && r->len == n &&
           memcmp(r->str, w, n) == 0;
}

rsdk__pushkind rsdk__asub_classify(const rsdk_async *a, const rsdk_reply *r) {
    bool push = r->type == RSDK_REPLY_PUSH;
    if (!push && !(r->type == RSDK_REPLY_ARRAY && a->protocol == 2)) return RSDK__PUSH_NONE;
    if (r->elements < 3) return RSDK__PUSH_NONE;
    const rsdk_reply *k = &r->element[0];
    if ((word_is(k, "message") || word_is(k, "smessage")) && r->elements == 3)
        return push || a->nsubs > 0 ? RSDK__PUSH_MESSAGE : RSDK__PUSH_NONE;
    if (word_is(k, "pmessage") && r->elements == 4)
        return push || a->nsubs > 0 ? RSDK__PUSH_MESSAGE : RSDK__PUSH_NONE;
    static const char *const confirm[] = {"subscribe",   "psubscribe",   "ssubscribe",
                                          "unsubscribe", "punsubscribe", "sunsubscribe"};
    for (size_t i = 0; i < sizeof confirm / sizeof confirm[0]; i++)
        if (word_is(k, confirm[i]) && r->elements == 3) return RSDK__PUSH_CONFIRM;
    return RSDK__PUSH_NONE;
}

static rsdk_str str_of(const rsdk_reply *r) {
    if (!rsdk_reply_has_str(r)) return (rsdk_str){NULL, 0};
    return (rsdk_str){r->str, r->len};
}

bool rsdk__asub_is_unsub(const rsdk_reply *r) {
    const rsdk_reply *k = &r->element[0];
    return word_is(k, "unsubscribe") || word_is(k, "punsubscribe") || word_is(k, "sunsubscribe");
}

bool rsdk__asub_unsolicited(rsdk_async *a, const rsdk_reply *r) {
    if (r->type != RSDK_REPLY_PUSH && (a->nsubs == 0 || r->element[2].type != RSDK_REPLY_INTEGER))
        return false;
    if (rsdk__asub_is_unsub(r) && rsdk_reply_has_str(&r->element[1])) {
        char c = r->element[0].str[0];
        rsdk_pubsub_kind kind = c == 'p' ? RSDK_PUBSUB_PMESSAGE
                                : c == 's' ? RSDK_PUBSUB_SMESSAGE : RSDK_PUBSUB_MESSAGE;
        rsdk_str name = str_of(&r->element[1]);
        rsdk__asub_remove(a, kind, &name, 1);
    }
    return true;
}

void rsdk__asub_deliver(rsdk_async *a, rsdk_reply *r) {
    if (a->on_message) {
        rsdk_pubsub_msg m;
        memset(&m, 0, sizeof m);
        const rsdk_reply *e = r->element;
        if (r->elements == 4) {
            m.kind = RSDK_PUBSUB_PMESSAGE;
            m.pattern = str_of(&e[1]);
            e++;
        } else {
            m.kind = word_is(&e[0], "smessage") ? RSDK_PUBSUB_SMESSAGE : RSDK_PUBSUB_MESSAGE;
        }
        m.channel = str_of(&e[1]);
        m.value = &e[2];
        m.payload = str_of(&e[2]);
        m.reply = r;
        a->depth++;
        a->on_message(a, &m, a->on_message_ud);
        a->depth--;
    }
    rsdk_reply_free(r);
}

void rsdk__asub_push(rsdk_async *a, rsdk_reply *r) {
    if (a->on_push) {
        a->depth++;
        a->on_push(a, r, a->on_push_ud);
        a->depth--;
    }
    rsdk_reply_free(r);
}

rsdk_status rsdk__asub_encode(rsdk_buf *b, rsdk_pubsub_kind kind, bool unsub, const rsdk_str *names,
                              size_t n) {
    const char *cmd = SUB_CMD[kind - RSDK_PUBSUB_MESSAGE][unsub];
    rsdk_write_array(b, n + 1);
    rsdk_write_arg(b, cmd, strlen(cmd));
    for (size_t i = 0; i < n; i++) rsdk_write_arg(b, names[i].ptr, names[i].len);
    return b->failed;
}

size_t rsdk__asub_encode_all(const rsdk_async *a, rsdk_buf *b) {
    size_t total = 0;
    for (int kind = RSDK_PUBSUB_MESSAGE; kind <= RSDK_PUBSUB_SMESSAGE; kind++) {
        size_t n = 0;
        for (size_t i = 0; i < a->nsubs; i++) n += a->subs[i].kind == (rsdk_pubsub_kind)kind;
        if (n == 0) continue;
        const char *cmd = SUB_CMD[kind - RSDK_PUBSUB_MESSAGE][0];
        if (kind == RSDK_PUBSUB_SMESSAGE) {
            /* One SSUBSCRIBE per shard channel: a cluster node refuses
             * shard channels of several slots in one (CROSSSLOT). */
            for (size_t i = 0; i < a->nsubs; i++) {
                if (a->subs[i].kind != RSDK_PUBSUB_SMESSAGE) continue;
                rsdk_write_array(b, 2);
                rsdk_write_arg(b, cmd, strlen(cmd));
                rsdk_write_arg(b, a->subs[i].name, a->subs[i].len);
            }
            total += n;
            continue;
        }
        rsdk_write_array(b, n + 1);
        rsdk_write_arg(b, cmd, strlen(cmd));
        for (size_t i = 0; i < a->nsubs; i++)
            if (a->subs[i].kind == (rsdk_pubsub_kind)kind)
                rsdk_write_arg(b, a->subs[i].name, a->subs[i].len);
        total += n;
    }
    return total;
}

static size_t find(const rsdk_async *a, rsdk_pubsub_kind kind, rsdk_str name) {
    for (size_t i = 0; i < a->nsubs; i++)
        if (a->subs[i].kind == kind && a->subs[i].len == name.len &&
            (name.len == 0 || memcmp(a->subs[i].name, name.ptr, name.len) == 0))
            return i;
    return a->nsubs;
}

rsdk_status rsdk__asub_add(rsdk_async *a, rsdk_pubsub_kind kind, const rsdk_str *names, size_t n) {
    if (a->nsubs + n > a->subs_cap) {
        size_t cap = a->subs_cap ? a->subs_cap : 8;
        while (cap < a->nsubs + n) cap *= 2;
        rsdk__asub *subs = rsdk__realloc(a->subs, cap * sizeof *subs);
        if (!subs) return RSDK_ERR_NOMEM;
        a->subs = subs;
        a->subs_cap = cap;
    }
    size_t before = a->nsubs;
    for (size_t i = 0; i < n; i++) {
        if (find(a, kind, names[i]) < a->nsubs) continue;
        char *copy = rsdk__malloc(names[i].len + 1);
        if (!copy) {
            while (a->nsubs > before) rsdk__free(a->subs[--a->nsubs].name);
            return RSDK_ERR_NOMEM;
        }
        memcpy(copy, names[i].ptr, names[i].len);
        copy[names[i].len] = '\0';
        a->subs[a->nsubs++] = (rsdk__asub){.kind = kind, .name = copy, .len = names[i].len};
    }
    return RSDK_OK;
}

void rsdk__asub_remove(rsdk_async *a, rsdk_pubsub_kind kind, const rsdk_str *names, size_t n) {
    for (size_t i = 0; i < n; i++) {
        size_t at = find(a, kind, names[i]);
        if (at == a->nsubs) continue;
        rsdk__free(a->subs[at].name);
        a->subs[at] = a->subs[--a->nsubs];
    }
}

void rsdk__asub_free(rsdk_async *a) {
    for (size_t i = 0; i < a->nsubs; i++) rsdk__free(a->subs[i].name);
    rsdk__free(a->subs);
    a->subs = NULL;
    a->nsubs = a->subs_cap = 0;
}
