/* txn_exec.h — the exec of a transaction pipeline (txn_exec.c). */
#ifndef RSDK_SRC_TXN_EXEC_H
#define RSDK_SRC_TXN_EXEC_H

#include "pipeline.h"

/* Exec of a pipeline in transaction mode (the pipeline's exec_hook): sends
 * MULTI, the queue and EXEC in one write and fills the slots from EXEC's
 * array. Results as documented in rsdk/txn.h. */
rsdk_status rsdk__txn_exec(rsdk_pipeline *p);

/* EXEC's array with pushes embedded by Redis < 7.2 (redis/redis#12326) is
 * repaired in place: the pushes go to the push path, the elements that
 * followed as separate replies are read and joined. On failure (connection,
 * memory) the connection is broken and *exec is left as it was. */
rsdk_status rsdk__txn_repair_exec(rsdk_client *c, rsdk_reply **exec);

/* Puts MULTI in front of the queued bytes of `b` and EXEC after them.
 * RSDK_OK or RSDK_ERR_NOMEM (b as it was, or with its failed flag set). */
rsdk_status rsdk__txn_wrap(rsdk_buf *b);

/* Turns a transaction's replies into the exec's result, as documented in
 * rsdk/txn.h: `multi` and `exec` (MULTI's and EXEC's replies) are taken
 * over; p->slots[0..p->nslots) hold the commands' acknowledgements and
 * end up holding their results (pointing into EXEC's array, then owned
 * by p->slots_owner) or, when EXEC failed, only the commands' errors.
 * Failures are told in p->err. */
rsdk_status rsdk__txn_settle(rsdk_pipeline *p, rsdk_reply *multi, rsdk_reply *exec);

#endif
