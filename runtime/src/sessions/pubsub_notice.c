/* Replies on a subscriber's connection that are not the application's
 * messages: a RESP2 handover's markers (pubsub_handover.c) and client-side
 * caching invalidations (RESP3 "invalidate" pushes, RESP2 messages on
 * __redis__:invalidate). The reply path (pubsub_io.c) asks here first. */
#include <stdio.h>

#include "pubsub_state.h"

static const char INVALIDATE_CHANNEL[] = "__redis__:invalidate";

static bool str_is(const rsdk_reply *r, const char *p, size_t len) {
    return (r->type == RSDK_REPLY_STRING || r->type == RSDK_REPLY_STATUS) && r->len == len &&
           memcmp(r->str, p, len) == 0;
}

static bool word_is(const rsdk_reply *r, const char *w) { return str_is(r, w, strlen(w)); }

void rsdk__ps_marker_init(rsdk_pubsub *ps) {
    int n = snprintf(ps->marker, sizeof ps->marker, "__rsdk__:handover:%016llx",
                     (unsigned long long)rsdk_backoff_seed_auto());
    ps->marker_len = n > 0 && (size_t)n < sizeof ps->marker ? (size_t)n : 0;
}

bool rsdk__ps_marker_take(rsdk_pubsub *ps, rsdk_reply *r) {
    bool pmessage = r->elements == 4;
    const rsdk_reply *ch = &r->element[pmessage ? 2 : 1];
    if (ps->marker_len && str_is(ch, ps->marker, ps->marker_len)) {
        /* Never the application's. A pattern of its own may bring a second
         * copy, which only the first one counts for. */
        if (ps->handover != PS_HO_NONE && !ps->marker_seen &&
            str_is(&r->element[pmessage ? 3 : 2], ps->marker_seq, ps->marker_seq_len)) {
            ps->marker_seen = true;
            if (ps->handover == PS_HO_SKIP) ps->handover = PS_HO_NONE;
        }
        rsdk_reply_free(r);
        return true;
    }
    if (ps->handover == PS_HO_SKIP || (ps->handover == PS_HO_DRAIN && ps->marker_seen)) {
        rsdk_reply_free(r);
        return true;
    }
    return false;
}

bool rsdk__inval_take(rsdk_client *c, rsdk_reply *r) {
    if (r->type != RSDK_REPLY_PUSH && r->type != RSDK_REPLY_ARRAY) return false;
    const rsdk_reply *keys;
    if (r->type == RSDK_REPLY_PUSH && r->elements == 2 && word_is(&r->element[0], "invalidate"))
        keys = &r->element[1]; /* >2 invalidate [keys] (null: everything) */
    else if (r->elements == 3 && word_is(&r->element[0], "message") &&
             word_is(&r->element[1], INVALIDATE_CHANNEL))
        keys = &r->element[2]; /* redirected tracking */
    else
        return false;
    if (!rsdk__client_invalidate(c, keys->type == RSDK_REPLY_ARRAY ? keys : NULL)) return false;
    rsdk_reply_free(r);
    return true;
}
