/* Combined commands: single commands of different callers (a pool's
 * one-shot commands, pool_combine.c) written in one write and answered in
 * order, each with its own deadline, outcome and retry verdict. */
#include <strings.h>

#include "client_api.h"
#include "client_blocking.h"
#include "client_call.h"
#include "client_cmdview.h"
#include "client_internal.h"
#include "client_io.h"
#include "client_state.h"
#include "clock.h"

/* Commands that change what the connection does for the commands behind
 * them without being session state the client tracks: they end it, make
 * it a replica link, or change how the cluster routes on it. */
static const char *const never_combined[] = {"QUIT",     "SHUTDOWN", "READONLY", "READWRITE", "ASKING",
                                             "SYNC",     "PSYNC",    "REPLICAOF", "SLAVEOF",  "FAILOVER"};

bool rsdk__command_combinable(const char *data, size_t len) {
    rsdk__arg name;
    if (!rsdk__cmd_peek_name(data, len, &name)) return false;
    if (rsdk__name_may_change_state(&name)) return false;
    if (rsdk__name_may_block(&name) && rsdk__command_block_ms(data, len) >= 0) return false;
    for (size_t i = 0; i < sizeof never_combined / sizeof never_combined[0]; i++)
        if (name.len == strlen(never_combined[i]) && strncasecmp(name.p, never_combined[i], name.len) == 0)
            return false;
    return true;
}

void rsdk__client_attempts_done(rsdk_client *c, int n) { c->attempts_done = n > 0 ? n : 0; }

/* The earliest deadline of the batch (-1: none has one): what the
 * reconnect, re-AUTH and write may take. */
static long long earliest(const rsdk__combined_item *it, size_t n) {
    long long e = RSDK__NO_DEADLINE;
    for (size_t i = 0; i < n; i++)
        if (it[i].deadline_ms > 0 && (e < 0 || it[i].deadline_ms < e)) e = it[i].deadline_ms;
    return e;
}

/* The connection failed (status `s`) at item `at`: that item and every
 * later one fail with it. Items whose own deadline had not passed when an
 * earlier one's did are told so. */
static void fail_from(rsdk_client *c, rsdk__combined_item *it, size_t at, size_t n, rsdk_status s) {
    long long now = rsdk__now_ms();
    for (size_t i = at; i < n; i++) {
        it[i].status = s;
        it[i].err = c->err;
        if (i > at && s == RSDK_ERR_TIMEOUT && (it[i].deadline_ms <= 0 || now < it[i].deadline_ms))
            rsdk_error_set(&it[i].err, s, 0,
                           "connection closed: a command written before this one in the same batch timed out");
    }
}

bool rsdk__retry_first(const rsdk_retry_policy *policy, const char *data, size_t len, rsdk_status s,
                       bool sent, uint32_t *delay_ms) {
    rsdk_retry_policy def;
    if (!policy) {
        rsdk_retry_policy_init(&def);
        policy = &def;
    }
    if (s == RSDK_OK || policy->max_attempts == 1 || policy->max_attempts == 0) return false;
    rsdk__arg name;
    bool readonly = rsdk__cmd_peek_name(data, len, &name) && rsdk__command_readonly(name.p, name.len);
    rsdk_backoff b;
    if (rsdk_retry_backoff_init(policy, &b, rsdk_backoff_seed_auto())) return false;
    return rsdk_retry_should(policy, &b, s, 1, sent, readonly, delay_ms);
}

/* Sets the items up before anything is sent: no reply, no verdict, the
 * start time for COMMAND_COMPLETED (0: nobody listens). */
static void start_items(rsdk_client *c, rsdk__combined_item *it, size_t n) {
    long long t0 = c->events && rsdk_events_wants(c->events, RSDK_EVENT_COMMAND_COMPLETED) ? rsdk__client_now_us() : 0;
    for (size_t i = 0; i < n; i++) {
        it[i].reply = NULL;
        it[i].status = RSDK_OK;
        it[i].retry = false;
        it[i].sent = false;
        it[i].delay_ms = 0;
        it[i].t0_us = t0;
    }
}

/* Writes the items' commands (after a successful _ready): one write. */
static rsdk_status write_items(rsdk_client *c, const char *data, size_t len, rsdk__combined_item *it, size_t n) {
    c->deadline_ms = earliest(it, n);
    c->request_sent = false;
    rsdk_status s = rsdk__client_write(c, data, len);
    for (size_t i = 0; i < n; i++) it[i].sent = c->request_sent;
    if (s == RSDK_OK) c->pending += n;
    c->deadline_ms = 0;
    return s;
}

rsdk_status rsdk__client_combined_send(rsdk_client *c, const char *data, size_t len,
                                       rsdk__combined_item *it, size_t n) {
    start_items(c, it, n);
    c->deadline_ms = earliest(it, n);
    rsdk_status s = rsdk__client_ready(c); /* reconnects, or re-AUTHs stale credentials */
    c->deadline_ms = 0;
    return s ? s : write_items(c, data, len, it, n);
}

rsdk_status rsdk__client_combined_append(rsdk_client *c, const char *data, size_t len,
                                         rsdk__combined_item *it, size_t n) {
    start_items(c, it, n);
    if (!c->conn) return RSDK_ERR_BROKEN; /* broken under the first write: nothing more is sent */
    return write_items(c, data, len, it, n);
}

void rsdk__client_combined_recv(rsdk_client *c, const char *data, rsdk_status sent_status,
                                rsdk__combined_item *it, size_t n) {
    rsdk_status s = sent_status;
    size_t i = 0;
    for (; s == RSDK_OK && i < n; i++) {
        c->deadline_ms = it[i].deadline_ms > 0 ? it[i].deadline_ms : RSDK__NO_DEADLINE;
        rsdk_reply *r = NULL;
        s = rsdk__client_read_reply(c, &r);
        if (s) break;
        c->pending--;
        if (r->type == RSDK_REPLY_ERROR) {
            it[i].status = rsdk_error_from_server(&it[i].err, r->str, r->len);
            rsdk_reply_free(r);
        } else {
            it[i].reply = r;
        }
    }
    if (s) fail_from(c, it, i, n, s);
    c->deadline_ms = 0;
    bool can_retry = c->conn || c->opts.reconnect; /* else every retry would be BROKEN */
    size_t off = 0;
    for (i = 0; i < n; i++) {
        it[i].retry = can_retry && rsdk__retry_first(&c->retry, data + off, it[i].len, it[i].status,
                                                     it[i].sent, &it[i].delay_ms);
        if (it[i].t0_us) rsdk__client_emit_completed(c, data + off, it[i].len, 1, it[i].t0_us, it[i].status);
        off += it[i].len;
    }
}
