/* reader_fast.h — the one-pass path for lone simple replies (reader_fast.c). */
#ifndef RSDK_SRC_READER_FAST_H
#define RSDK_SRC_READER_FAST_H

#include "rsdk/reader.h"
#include "rsdk/reply.h"

/* One-pass path for a lone status, error, integer or blob string at the
 * start of a reply. 1: *out is the reply and pos is past it; 0: not such a
 * reply (or not whole yet, or odd in any way): use the scan; -1: no memory. */
int rsdk__reader_fast(rsdk_reader *r, rsdk_reply **out);

#endif
