/* The watch thread: a subscription to +switch-master on one sentinel (the
 * first in the order that accepts it). A message for our master makes it
 * ask the sentinels at once, so calls move to the new primary without
 * first failing on the old one. When the subscription breaks it moves to
 * the next sentinel and marks the primary for asking again (messages may
 * have been missed meanwhile). */
#include <string.h>

#include "alloc.h"
#include "rsdk/pubsub.h"
#include "sentinel_types.h"

static bool stopping(rsdk_sentinel *s) {
    pthread_mutex_lock(&s->mu);
    bool stop = s->stop;
    pthread_mutex_unlock(&s->mu);
    return stop;
}

static rsdk_pubsub *subscribe_any(rsdk_sentinel *s) {
    rsdk__saddr *order;
    size_t n;
    if (rsdk__sentinel_order(s, &order, &n) != RSDK_OK) return NULL;
    static const rsdk_str channel = {"+switch-master", sizeof "+switch-master" - 1};
    rsdk_pubsub *ps = NULL;
    for (size_t i = 0; ps == NULL && i < n && !stopping(s); i++) {
        rsdk_client_opts co;
        rsdk__sentinel_opts_for(s, &s->sopts, &order[i], &co);
        co.db = 0;
        rsdk_pubsub_opts po;
        rsdk_pubsub_opts_init(&po);
        po.client = &co;
        po.reconnect = false;
        po.ping_interval_ms = 1000;
        po.reply_timeout_ms = 2000;
        if (rsdk_pubsub_new(&po, &ps, NULL) != RSDK_OK) continue;
        if (rsdk_pubsub_subscribe(ps, &channel, 1) != RSDK_OK) {
            rsdk_pubsub_free(ps);
            ps = NULL;
        }
    }
    rsdk__free(order);
    return ps;
}

/* "+switch-master <name> <old ip> <old port> <new ip> <new port>". */
static void on_message(rsdk_sentinel *s, const rsdk_pubsub_msg *m) {
    size_t len = strlen(s->name);
    if (m->payload.len <= len || memcmp(m->payload.ptr, s->name, len) != 0 ||
        m->payload.ptr[len] != ' ')
        return;
    pthread_mutex_lock(&s->mu);
    s->stats.events++;
    uint64_t gen = s->gen;
    pthread_mutex_unlock(&s->mu);
    rsdk__sentinel_discover(s, gen, NULL);
}

static void *watch_main(void *arg) {
    rsdk_sentinel *s = arg;
    rsdk_pubsub *ps = NULL;
    bool lost = false;
    while (!stopping(s)) {
        if (ps == NULL) {
            ps = subscribe_any(s);
            if (ps == NULL) {
                lost = true;
                rsdk__sentinel_nap(s, 500);
                continue;
            }
            if (lost) {
                pthread_mutex_lock(&s->mu);
                s->stale = true;
                pthread_mutex_unlock(&s->mu);
            }
            lost = false;
        }
        rsdk_pubsub_msg m;
        rsdk_status st = rsdk_pubsub_next(ps, &m, 200);
        if (st == RSDK_OK) {
            on_message(s, &m);
            rsdk_pubsub_msg_deinit(&m);
        } else if (st != RSDK_ERR_TIMEOUT && st != RSDK_ERR_NOMEM) {
            rsdk_pubsub_free(ps);
            ps = NULL;
            lost = true;
        }
    }
    rsdk_pubsub_free(ps);
    return NULL;
}

rsdk_status rsdk__sentinel_watch_start(rsdk_sentinel *s, rsdk_error *err) {
    if (pthread_create(&s->thread, NULL, watch_main, s) != 0)
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "cannot start the sentinel watch thread");
    s->thread_started = true;
    return RSDK_OK;
}

void rsdk__sentinel_watch_stop(rsdk_sentinel *s) {
    pthread_mutex_lock(&s->mu);
    s->stop = true;
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->mu);
    if (s->thread_started) pthread_join(s->thread, NULL);
    s->thread_started = false;
}
