/* A call in halves: begin, write and read without waiting, read the rest,
 * end. What rsdk__client_call does in one go (COMMAND_COMPLETED included),
 * minus the retry loop, so that a caller can keep several connections'
 * requests in flight at once. */
#include "client_batch.h"

#include "client_call.h"
#include "client_internal.h"
#include "client_io.h"
#include "client_state.h"
#include "reader_spare.h"
#include "syserr.h"

rsdk_status rsdk__client_batch_begin(rsdk_client *c, const char *data, size_t len, size_t ncmds,
                                     int may_block, int may_track) {
    bool timed = c->events && rsdk_events_wants(c->events, RSDK_EVENT_COMMAND_COMPLETED);
    c->batch_t0_us = timed ? rsdk__client_now_us() : 0;
    c->call_may_block = (signed char)(may_block < 0 ? -1 : may_block > 0);
    c->call_may_track = (signed char)(may_track < 0 ? -1 : may_track > 0);
    bool tracking = rsdk__client_wants_tracking(c, data, len, ncmds);
    rsdk__deadline_start(c, data, len, ncmds);
    c->outer_deadline_ms = 0;
    c->request_sent = false;
    rsdk_status s = rsdk__client_ready(c);
    if (s) {
        rsdk__client_batch_end(c, data, len, ncmds, s);
        return s;
    }
    /* Recorded before the bytes leave: should the write fail, the
     * connection breaks and the state goes with it. */
    if (tracking) rsdk__client_track_all(c, data, len, ncmds);
    c->pending = ncmds;
    return RSDK_OK;
}

rsdk_status rsdk__client_batch_write(rsdk_client *c, const char *p, size_t len, size_t *n) {
    return rsdk__client_write_nowait(c, p, len, n);
}

rsdk_status rsdk__client_batch_read(rsdk_client *c, bool wait, rsdk_reply **out) {
    rsdk_status s = wait ? rsdk__client_read_reply(c, out) : rsdk__client_read_nowait(c, out);
    if (s == RSDK_OK && *out && c->pending > 0) c->pending--;
    return s;
}

rsdk_status rsdk__client_batch_read_all(rsdk_client *c, rsdk_reply **out, size_t n, size_t *got) {
    size_t i = *got;
    rsdk_status s = RSDK_OK;
    while (i < n && (s = rsdk__client_read_reply(c, &out[i])) == RSDK_OK) i++;
    size_t read = i - *got;
    c->pending = c->pending > read ? c->pending - read : 0;
    *got = i;
    return s;
}

short rsdk__client_batch_events(const rsdk_client *c, bool writing, int *fd, int *wait_ms) {
    *wait_ms = c->deadline_ms > 0 ? rsdk__deadline_left_ms(c) : -1;
    if (c->conn && c->conn->ops->pending && c->conn->ops->pending(c->conn->ctx) > 0) *wait_ms = 0;
    return rsdk__client_poll_events(c, writing, fd);
}

rsdk_status rsdk__client_batch_timeout(rsdk_client *c) {
    rsdk_error e;
    rsdk_error_set(&e, RSDK_ERR_TIMEOUT, 0, "command deadline passed (command_timeout_ms %d)",
                   c->opts.command_timeout_ms);
    return rsdk__client_break_with(c, &e);
}

bool rsdk__client_batch_expired(const rsdk_client *c) {
    return c->deadline_ms > 0 && rsdk__deadline_left_ms(c) == 0;
}

rsdk_status rsdk__client_batch_abort(rsdk_client *c, int errnum) {
    rsdk_error e;
    rsdk_error_set(&e, RSDK_ERR_IO, errnum, "poll: %s", RSDK__STRERROR(errnum));
    return rsdk__client_break_with(c, &e);
}

void rsdk__client_batch_end(rsdk_client *c, const char *data, size_t len, size_t ncmds,
                            rsdk_status st) {
    c->deadline_ms = 0;
    if (c->batch_t0_us) rsdk__client_emit_completed(c, data, len, ncmds, c->batch_t0_us, st);
    c->batch_t0_us = 0;
}

void rsdk__client_batch_recycle(rsdk_client *c, rsdk_reply *reply) { rsdk__reader_recycle(c->reader, reply); }
