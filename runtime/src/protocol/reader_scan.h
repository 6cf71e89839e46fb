/* reader_scan.h — the scan pass (reader_scan.c): validates a buffered reply and counts what its tree needs. */
#ifndef RSDK_SRC_READER_SCAN_H
#define RSDK_SRC_READER_SCAN_H

#include <stdbool.h>

#include "rsdk/error.h"
#include "rsdk/reader.h"
#include "rsdk/reply.h"

/* Advances the scan. 1: a whole reply lies in [start, pos); 0: more bytes
 * are needed; -1: protocol error (reader is dead, err set). */
int rsdk__reader_scan(rsdk_reader *r);

/* Makes the frame stack hold at least `frames` frames (at most
 * lim.max_depth + 1), moving it to the heap. False on no memory (the stack
 * is unchanged). */
bool rsdk__reader_grow_stack(rsdk_reader *r, unsigned frames);

/* Kills the reader with `code` and returns where to write the detail, or
 * NULL when there is no memory for it. */
rsdk_error *rsdk__reader_die(rsdk_reader *r, rsdk_status code);

#endif
