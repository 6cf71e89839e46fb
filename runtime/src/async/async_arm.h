/* async_arm.h — what the async client asks of its loop (async_arm.c). */
#ifndef RSDK_SRC_ASYNC_ARM_H
#define RSDK_SRC_ASYNC_ARM_H

#include "async_state.h"

/* Brings the adapter's fd watch and timer in line with the state: the
 * events the connection waits for, and the earliest of the connect
 * deadline, the reconnect time and the first command deadline. Only
 * changes reach the adapter. */
void rsdk__async_arm(rsdk_async *a);

/* Stops watching the connection's fd (before it is closed). */
void rsdk__async_unwatch(rsdk_async *a);

/* True when encoded commands wait to be written. */
bool rsdk__async_unsent(const rsdk_async *a);

#endif
