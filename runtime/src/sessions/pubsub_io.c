/* The subscriber's reading side: wait for and file replies (messages,
 * confirmations, PONGs, invalidations, errors), keepalive PINGs, and the
 * sync helpers operations use. Reconnecting is in pubsub_conn.c. */
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "client_io.h"
#include "clock.h"
#include "pubsub_state.h"
#include "rsdk/writer.h"

/* Equal to a lower-case protocol word (Redis sends these lower case). */
static bool word_is(const rsdk_reply *r, const char *w) {
    size_t n = strlen(w);
    return (r->type == RSDK_REPLY_STRING || r->type == RSDK_REPLY_STATUS) && r->len == n &&
           memcmp(r->str, w, n) == 0;
}

/* Appends to the ring of received messages; false when out of memory. */
static bool enqueue(rsdk_pubsub *ps, rsdk_reply *r) {
    if (ps->qlen == ps->qcap) {
        size_t ncap = ps->qcap ? ps->qcap * 2 : 16;
        if (ncap < ps->qcap || ncap > SIZE_MAX / sizeof *ps->q) return false;
        rsdk_reply **nq = rsdk__malloc(ncap * sizeof *nq);
        if (!nq) return false;
        for (size_t i = 0; i < ps->qlen; i++) nq[i] = ps->q[(ps->qhead + i) % ps->qcap];
        rsdk__free(ps->q);
        ps->q = nq;
        ps->qcap = ncap;
        ps->qhead = 0;
    }
    ps->q[(ps->qhead + ps->qlen) % ps->qcap] = r;
    ps->qlen++;
    return true;
}

static bool is_confirmation(const rsdk_reply *w) {
    static const char *const names[] = {"subscribe",   "psubscribe",   "ssubscribe",
                                        "unsubscribe", "punsubscribe", "sunsubscribe"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (word_is(w, names[i])) return true;
    return false;
}

/* The server unsubscribed a shard channel on its own: its slot moved to
 * another node (Redis 7+, Valkey), where it must be subscribed again. The
 * set forgets it, so a reconnect here does not bring it back; the cluster
 * subscriber (cluster_pubsub.c) picks it up from `moved`. */
static void shard_dropped(rsdk_pubsub *ps, rsdk_reply *r) {
    const rsdk_reply *ch = &r->element[1];
    if (rsdk_reply_has_str(ch) && ch->str) {
        rsdk__psset_remove(&ps->sets[PS_SHARD], ch->str, ch->len);
        if (rsdk__psset_add(&ps->moved, ch->str, ch->len) < 0) ps->stats.dropped++;
        ps->stats.shard_moved++;
    }
    rsdk_reply_free(r);
}

void rsdk__ps_take(rsdk_pubsub *ps, rsdk_reply *r) {
    rsdk_client *c = ps->c;
    bool aggregate = r->type == RSDK_REPLY_PUSH || r->type == RSDK_REPLY_ARRAY;
    const rsdk_reply *w = aggregate && r->elements > 0 ? &r->element[0] : NULL;
    if (w && ((word_is(w, "message") || word_is(w, "smessage")) ? r->elements == 3
              : word_is(w, "pmessage")                            ? r->elements == 4
                                                                  : false)) {
        if (rsdk__ps_marker_take(ps, r)) return; /* a RESP2 handover's */
        if (rsdk__inval_take(c, r)) {
            ps->stats.invalidations++;
            return;
        }
        if (!enqueue(ps, r)) {
            ps->stats.dropped++;
            rsdk_reply_free(r);
        }
        return;
    }
    if (w && word_is(w, "sunsubscribe") && !ps->sunsub_wanted && r->elements >= 2) {
        shard_dropped(ps, r); /* not asked for: the slot moved */
        return;
    }
    if (w && is_confirmation(w)) {
        if (word_is(w, "sunsubscribe")) ps->sunsub_wanted--;
        if (ps->confirms_wanted) ps->confirms_wanted--;
        rsdk_reply_free(r);
        return;
    }
    if ((w && word_is(w, "pong")) || word_is(r, "PONG")) { /* RESP2 subscribed / plain */
        if (ps->pings_out) ps->pings_out--;
        ps->stats.pongs++;
        rsdk_reply_free(r);
        return;
    }
    if (w && word_is(w, "invalidate") && rsdk__inval_take(c, r)) {
        ps->stats.invalidations++;
        return;
    }
    if (r->type == RSDK_REPLY_ERROR && ps->confirms_wanted && !ps->op_error) {
        /* The server refused the whole command: no confirmations follow. */
        ps->op_error = r;
        ps->confirms_wanted = 0;
        return;
    }
    if (r->type == RSDK_REPLY_ERROR) rsdk_error_from_server(&ps->err, r->str, r->len);
    if (r->type == RSDK_REPLY_PUSH) {
        rsdk__client_push_to_handler(c, r); /* a push we do not handle: the user's */
        return;
    }
    rsdk_reply_free(r);
}

bool rsdk__ps_push_hook(rsdk_client *c, rsdk_reply *push) {
    rsdk_pubsub *ps = rsdk__client_push_hook_state(c);
    ps->last_io_ms = rsdk__now_ms();
    rsdk__ps_take(ps, push);
    return true;
}

/* Empties the wake pipe. */
static void wake_drain(rsdk_pubsub *ps) {
    char b[64];
    while (ps->wake[0] >= 0 && read(ps->wake[0], b, sizeof b) > 0) {
    }
}

/* Waits for the connection to be readable; with `wakeable` and a wake
 * pipe, a credentials change ends the wait too (RSDK_ERR_TIMEOUT). */
static rsdk_status wait_readable(rsdk_pubsub *ps, int wait_ms, bool wakeable, rsdk_error *e) {
    bool woken = false;
    rsdk_status s = rsdk__client_wait_readable(ps->c, wakeable ? ps->wake[0] : -1, wait_ms, &woken, e);
    if (s || !woken) return s;
    wake_drain(ps);
    return rsdk_error_set(e, RSDK_ERR_TIMEOUT, 0, "woken by a credentials change");
}

static rsdk_status pump(rsdk_pubsub *ps, int wait_ms, bool wakeable) {
    rsdk_client *c = ps->c;
    if (rsdk_client_broken(c)) return rsdk_error_set(&ps->err, RSDK_ERR_BROKEN, 0, "not connected");
    if (!rsdk__client_buffered(c)) {
        rsdk_error e;
        rsdk_status s = wait_readable(ps, wait_ms < 0 ? -1 : wait_ms, wakeable, &e);
        if (s == RSDK_ERR_TIMEOUT) return s;
        if (s) {
            ps->err = e;
            return rsdk__client_break_with(c, &e);
        }
    }
    /* Something is there: read one whole reply, pushes included, allowing
     * the reply timeout for the rest of a reply that has started. */
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk__client_read_within(c, ps->reply_timeout_ms, true, &r);
    if (s) {
        ps->err = *rsdk_client_error(c);
        return s;
    }
    ps->last_io_ms = rsdk__now_ms();
    rsdk__ps_take(ps, r);
    return RSDK_OK;
}

rsdk_status rsdk__ps_pump(rsdk_pubsub *ps, int wait_ms) { return pump(ps, wait_ms, false); }

rsdk_status rsdk__ps_pump_wakeable(rsdk_pubsub *ps, int wait_ms) { return pump(ps, wait_ms, true); }

rsdk_status rsdk__ps_send(rsdk_pubsub *ps, const rsdk_buf *b) {
    rsdk_client *c = ps->c;
    if (b->failed) return rsdk_error_set(&ps->err, b->failed, 0, NULL);
    if (rsdk_client_broken(c)) return rsdk_error_set(&ps->err, RSDK_ERR_BROKEN, 0, "not connected");
    rsdk_status s = rsdk__client_write(c, b->data, b->len);
    if (s) {
        ps->err = *rsdk_client_error(c);
        return s;
    }
    ps->last_io_ms = rsdk__now_ms();
    return RSDK_OK;
}

rsdk_status rsdk__ps_await(rsdk_pubsub *ps) {
    long long deadline = rsdk__deadline_after(rsdk__now_ms(), rsdk__timeout_opt(ps->reply_timeout_ms));
    while (ps->confirms_wanted > 0) {
        rsdk_status s = rsdk__ps_pump(ps, rsdk__ms_left(deadline));
        if (s == RSDK_ERR_TIMEOUT) {
            /* Whatever is late would confuse every later count: start over
             * on a fresh connection (the subscription set is intact). */
            ps->confirms_wanted = 0;
            rsdk_error_set(&ps->err, s, 0, "no subscription confirmation within %d ms",
                           ps->reply_timeout_ms);
            rsdk__client_break(ps->c, s);
            return s;
        }
        if (s) {
            ps->confirms_wanted = 0;
            return s;
        }
    }
    if (ps->op_error) {
        rsdk_status s = rsdk_error_from_server(&ps->err, ps->op_error->str, ps->op_error->len);
        rsdk_reply_free(ps->op_error);
        ps->op_error = NULL;
        return s;
    }
    return RSDK_OK;
}

static const char PING_CMD[] = "*1\r\n$4\r\nPING\r\n";

int rsdk__ps_keepalive_due(const rsdk_pubsub *ps) {
    long long now = rsdk__now_ms(), due;
    if (ps->pings_out) {
        if (ps->reply_timeout_ms <= 0) return -1;
        due = ps->ping_sent_ms + ps->reply_timeout_ms;
    } else {
        if (ps->ping_interval_ms <= 0) return -1;
        due = ps->last_io_ms + ps->ping_interval_ms;
    }
    long long d = due - now;
    return d <= 0 ? 0 : d > 0x7fffffff ? 0x7fffffff : (int)d;
}

rsdk_status rsdk__ps_keepalive(rsdk_pubsub *ps) {
    if (rsdk_client_broken(ps->c) || rsdk__ps_keepalive_due(ps) != 0) return RSDK_OK;
    if (ps->pings_out) {
        rsdk_error_set(&ps->err, RSDK_ERR_TIMEOUT, 0, "keepalive PING unanswered for %d ms",
                       ps->reply_timeout_ms);
        return rsdk__client_break_with(ps->c, &ps->err);
    }
    rsdk_buf b = {(char *)PING_CMD, sizeof PING_CMD - 1, sizeof PING_CMD - 1, RSDK_OK};
    rsdk_status s = rsdk__ps_send(ps, &b);
    if (s) return s;
    ps->pings_out++;
    ps->ping_sent_ms = ps->last_io_ms;
    ps->stats.pings_sent++;
    return RSDK_OK;
}

rsdk_status rsdk__ps_settle(rsdk_pubsub *ps) {
    if (rsdk_client_protocol(ps->c) != 3) return RSDK_OK;
    long long deadline = ps->reply_timeout_ms > 0 ? ps->ping_sent_ms + ps->reply_timeout_ms : -1;
    while (ps->pings_out && !rsdk_client_broken(ps->c)) {
        rsdk_status s = rsdk__ps_pump(ps, rsdk__ms_left(deadline));
        if (s == RSDK_ERR_TIMEOUT) {
            rsdk_error_set(&ps->err, s, 0, "keepalive PING unanswered for %d ms", ps->reply_timeout_ms);
            return rsdk__client_break(ps->c, s);
        }
        if (s) return s;
    }
    return RSDK_OK;
}

void rsdk__ps_encode(rsdk_buf *b, const char *cmd, const rsdk_str *names, size_t n) {
    for (size_t at = 0; at < n; at += PS_CHUNK) {
        size_t k = n - at < PS_CHUNK ? n - at : PS_CHUNK;
        rsdk_write_array(b, k + 1);
        rsdk_write_arg(b, cmd, strlen(cmd));
        for (size_t i = 0; i < k; i++) rsdk_write_str(b, names[at + i]);
    }
}

size_t rsdk__ps_encode_all(rsdk_pubsub *ps, rsdk_buf *b) {
    static const char *const cmds[PS_KINDS] = {"SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE"};
    size_t total = 0;
    for (int k = 0; k < PS_KINDS; k++) {
        const rsdk__psset *set = &ps->sets[k];
        rsdk_str chunk[PS_CHUNK];
        size_t n = 0;
        for (size_t i = 0; i < set->cap; i++) {
            if (!set->slot[i].ptr) continue;
            chunk[n++] = rsdk_str_n(set->slot[i].ptr, set->slot[i].len);
            if (n == PS_CHUNK) {
                rsdk__ps_encode(b, cmds[k], chunk, n);
                n = 0;
            }
        }
        if (n) rsdk__ps_encode(b, cmds[k], chunk, n);
        total += set->count;
    }
    return total;
}

rsdk_status rsdk__ps_command(rsdk_pubsub *ps, size_t argc, const char *const *argv, rsdk_reply **out) {
    rsdk_client *c = ps->c;
    rsdk_buf b;
    rsdk_buf_init(&b);
    rsdk_write_command(&b, argc, argv, NULL);
    rsdk_status s = rsdk__ps_send(ps, &b);
    rsdk_buf_deinit(&b);
    if (s) return s;
    rsdk_reply *r = NULL;
    /* RESP3 pushes meanwhile go to the hook. */
    s = rsdk__client_read_within(c, ps->reply_timeout_ms, false, &r);
    if (s) {
        ps->err = *rsdk_client_error(c);
        return s;
    }
    ps->last_io_ms = rsdk__now_ms();
    *out = r;
    return RSDK_OK;
}
