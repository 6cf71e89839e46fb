/* async_io.h — the async client's loop events: reads, writes, the
 * dispatch of replies in order, deadlines (async_io.c). */
#ifndef RSDK_SRC_ASYNC_IO_H
#define RSDK_SRC_ASYNC_IO_H

#include "async_state.h"

/* The handler the client gives its adapter (rsdk_loop_event_fn): `ud` is
 * the client, `events` what is ready (0: the timer fired). */
void rsdk__async_on_event(void *ud, int events);

/* Writes the queued commands while the socket takes them (READY only). */
void rsdk__async_flush(rsdk_async *a);

/* Leaves an entry of the client (loop event or public call): frees a
 * client whose free was asked inside a callback, else re-arms the loop. */
void rsdk__async_leave(rsdk_async *a);

/* Releases everything the client holds (its adapter too) and the client. */
void rsdk__async_release(rsdk_async *a);

#endif
