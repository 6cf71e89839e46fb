/* Every deadline of a client's call, computed here and nowhere else, from
 * the three timeouts that bound it (docs/connections.md, "Which timeout
 * bounds what"):
 *
 * - command_timeout_ms bounds an attempt of a call from its start to its
 *   last reply — the reconnect and handshake it may need, the write, every
 *   read — not each wait on its own, so a server that drips a byte at a
 *   time cannot hold a call for longer. A retry (by the policy) is a new
 *   attempt with a new deadline. A pool's command starts the clock before
 *   it waits for a connection (rsdk__client_start_clock).
 * - a blocking command's own timeout argument is added on top
 *   (client_blocking.c reads it); 0 there (block until served) means no
 *   deadline at all.
 * - connect_timeout_ms bounds each connect + handshake, and inside a call
 *   no more than what is left of the call's deadline.
 *
 * Outside a call each wait is bounded by io_timeout_ms (the connect
 * timeout during a handshake, the command timeout otherwise, the
 * subscriber's reply timeout while pub/sub reads). */
#include <limits.h>

#include "client_api.h"
#include "client_blocking.h"
#include "client_state.h"
#include "clock.h"

void rsdk__client_start_clock(rsdk_client *c, long long start_ms) {
    int budget = c->opts.command_timeout_ms;
    c->outer_deadline_ms = start_ms && budget > 0 ? start_ms + budget : 0;
}

void rsdk__deadline_start(rsdk_client *c, const char *data, size_t len, size_t ncmds) {
    long long budget = c->opts.command_timeout_ms;
    c->deadline_ms = RSDK__NO_DEADLINE;
    if (budget <= 0) return;
    /* A lone command is judged by its name's first letter; a pipeline by
     * what its queue recorded; anything else is walked command by command. */
    int may = c->call_may_block;
    c->call_may_block = -1;
    if (may < 0 && ncmds == 1) may = rsdk__command_may_block(data, len);
    long long block = may ? rsdk__command_block_ms(data, len) : -1;
    if (block == 0) return; /* blocks until served: no deadline */
    if (block > 0) budget += block;
    c->deadline_ms = c->outer_deadline_ms ? c->outer_deadline_ms : rsdk__now_ms() + budget;
    if (c->outer_deadline_ms && block > 0) c->deadline_ms += block;
}

int rsdk__deadline_left_ms(const rsdk_client *c) {
    if (c->deadline_ms <= 0) return INT_MAX;
    long long left = c->deadline_ms - rsdk__now_ms();
    if (left <= 0) return 0;
    return left > INT_MAX ? INT_MAX : (int)left;
}

int rsdk__deadline_wait_ms(const rsdk_client *c, int cap_ms) {
    if (c->deadline_ms <= 0) return cap_ms;
    int left = rsdk__deadline_left_ms(c);
    if (left < 1) left = 1; /* one short poll: what already arrived is read */
    return cap_ms > 0 && cap_ms < left ? cap_ms : left;
}

int rsdk__deadline_connect_begin(rsdk_client *c, long long *call_deadline) {
    *call_deadline = c->deadline_ms;
    int connect_ms = rsdk__deadline_wait_ms(c, c->opts.connect_timeout_ms);
    c->deadline_ms = connect_ms > 0 ? rsdk__now_ms() + connect_ms : 0;
    c->io_timeout_ms = connect_ms;
    return connect_ms;
}

void rsdk__deadline_connect_end(rsdk_client *c, long long call_deadline) {
    c->deadline_ms = call_deadline;
    c->io_timeout_ms = c->opts.command_timeout_ms;
}

int rsdk__deadline_io_wait_ms(const rsdk_client *c) {
    if (c->deadline_ms == 0 || (c->handshaking && c->deadline_ms < 0)) return c->io_timeout_ms;
    if (c->deadline_ms < 0) return 0; /* a call without a deadline */
    return rsdk__deadline_wait_ms(c, c->handshaking ? c->io_timeout_ms : 0);
}

rsdk_status rsdk__deadline_timeout(rsdk_client *c, rsdk_status s) {
    if (s == RSDK_ERR_TIMEOUT && c->deadline_ms > 0 && rsdk__deadline_left_ms(c) == 0)
        rsdk_error_set(&c->err, RSDK_ERR_TIMEOUT, 0, "command deadline passed (command_timeout_ms %d)",
                       c->opts.command_timeout_ms);
    return s;
}
