/* pool_combine.h — one-shot commands riding in another thread's write
 * (pool_combine.c): when every connection is out, a one-shot command does
 * not wait for a connection of its own; it is written with the command of
 * the thread a connection is handed to next, and gets its own reply. */
#ifndef RSDK_SRC_POOL_COMBINE_H
#define RSDK_SRC_POOL_COMBINE_H

#include "pool_state.h"

/* rsdk_pool_acquire for a one-shot command `cmd` (NULL: a plain acquire).
 * RSDK_OK with *out set: the caller runs the command on it — as the
 * leader of a batch when cmd->lead is set (rsdk__pool_lead). RSDK_OK with
 * *out NULL: the command rode in another thread's batch; what became of
 * it is in cmd->res. Otherwise acquire's failure (pool.c). */
rsdk_status rsdk__pool_acquire_for(rsdk_pool *p, rsdk__pool_cmd *cmd, rsdk_client **out, rsdk_error *err);

/* Sets up the record of a one-shot command that starts at `start_ms`:
 * a few stores, nothing encoded (the uncontended path pays no more). */
static inline void rsdk__pool_cmd_start(rsdk__pool_cmd *cmd, size_t argc, const char *const *argv,
                                        const size_t *argvlen, long long start_ms) {
    cmd->argc = argc;
    cmd->argv = argv;
    cmd->argvlen = argvlen;
    cmd->start = start_ms;
    cmd->enc = (rsdk_buf){0};
    cmd->encoded = false;
    cmd->lead = NULL;
    cmd->written = false;
    cmd->items = NULL;
}

/* Encodes the command (outside the lock), says whether it may be combined
 * (rsdk__command_combinable, and small enough) and sets its deadline: the
 * pool's command timeout from its start. */
void rsdk__pool_cmd_encode(rsdk_pool *p, rsdk__pool_cmd *cmd);

/* Frees what the record holds. */
void rsdk__pool_cmd_free(rsdk__pool_cmd *cmd);

/* Called under the lock for a one-shot command's waiter once it is queued
 * (rsdk__pool_queue_waiter) or riding (rsdk__pool_join_locked); returns
 * without the lock. Waits until it is handed a connection, room,
 * the pool's close (as an acquire's wait does), or its batch's result
 * (cmd->res; also when another thread took the read of the batch it
 * leads over: cmd->taken_over). In the queue the wait ends at
 * `acquire_deadline` (*timed_out), and by itself after unread_ms, then
 * twice as long each time (w->wake_at): handed a batch left unread that
 * nobody took over, it then returns to read it. Riding, the wait ends at
 * its command deadline: a command not written yet leaves the batch, a
 * written one leaves its reply to be dropped; either way its result is
 * RSDK_ERR_TIMEOUT. */
void rsdk__pool_wait_cmd(rsdk_pool *p, rsdk__pool_waiter *w, long long acquire_deadline, bool *timed_out);

/* The write of a batch, outside the lock, by the thread that hands `sl`
 * to the leader `own` (before waking it) or by the leader itself: takes
 * the riders and writes the leader's command and theirs in one write, so
 * the replies are on their way while the leader wakes up. With `reopen`
 * (the hand-over) the batch stays open: commands arriving before the
 * leader runs still join it, for a second write by the leader (or by the
 * thread that takes its read over). */
void rsdk__pool_batch_write(rsdk_pool *p, rsdk__pool_cmd *own, rsdk__pool_slot *sl, bool reopen);

/* The leader's part, outside the lock, on the slot it was handed (or the
 * part of a thread that took the read of the leader `own` over, on the
 * leader's record while it sleeps): the
 * write (unless done for it; then the commands that joined since are
 * written behind it), the replies read in order, each rider handed its
 * own. Its own result goes to own->res. The riders are woken by
 * rsdk__pool_lead_wake, once the leader has released the connection: a
 * woken rider that comes straight back finds it handed on (and may join
 * the next batch) instead of still out, and the leader is not preempted
 * while it holds the connection. */
void rsdk__pool_lead(rsdk_pool *p, rsdk__pool_cmd *own, rsdk__pool_slot *sl);
/* ... and wakes `leader` last (NULL: none), the thread of a batch whose
 * read another thread took over (rsdk__pool_take_read_locked). */
void rsdk__pool_lead_wake(rsdk__pool_cmd *own, rsdk__pool_waiter *leader);

/* After the hand-over's write for the leader `w`: leaves it asleep, for
 * the next one-shot command to take its read over (true), unless the
 * write failed, the leader is awake already or another batch waits so. */
bool rsdk__pool_leave_unread(rsdk_pool *p, rsdk__pool_waiter *w);

#endif
