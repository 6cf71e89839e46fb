/* txn_impl.h — internal entry points of the transaction code (txn*.c). */
#ifndef RSDK_SRC_TXN_IMPL_H
#define RSDK_SRC_TXN_IMPL_H

#include "client_impl.h"

/* Exec of a pipeline in transaction mode (the pipeline's exec_hook): sends
 * MULTI, the queue and EXEC in one write and fills the slots from EXEC's
 * array. Results as documented in rsdk/txn.h. */
rsdk_status rsdk__txn_exec(rsdk_pipeline *p);

#endif
