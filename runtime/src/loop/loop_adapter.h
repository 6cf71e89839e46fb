/* loop_adapter.h — the rsdk_loop_ops of the built-in loop (loop_adapter.c). */
#ifndef RSDK_SRC_LOOP_ADAPTER_H
#define RSDK_SRC_LOOP_ADAPTER_H

#include "loop_state.h"

/* Frees the adapters cleaned up during the turn that just ended. */
void rsdk__loop_reap(rsdk_loop *loop);

#endif
