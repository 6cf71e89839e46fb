/* reader_spare.h — the spare arenas a reader keeps for its next replies (reader_spare.c). */
#ifndef RSDK_SRC_READER_SPARE_H
#define RSDK_SRC_READER_SPARE_H

#include "rsdk/reader.h"
#include "rsdk/reply.h"

/* An arena for the reader's next reply, as rsdk__reply_arena_new gives,
 * taken from the reader's spare blocks when the top one is large enough. */
rsdk_reply *rsdk__reader_arena(rsdk_reader *r, size_t nodes, size_t strbytes, char **strings);

/* Takes over `reply` (a root, as rsdk_reply_free takes) and keeps its
 * block for the reader's next replies, saving a free and a malloc; frees
 * it instead when the block is large or the reader holds enough. For an
 * owner that recycles replies it never handed out, on the thread using the
 * reader (a pipeline before its next exec). NULL reader: just freed. */
void rsdk__reader_recycle(rsdk_reader *r, rsdk_reply *reply);

/* Frees the spare blocks (rsdk_reader_free). */
void rsdk__reader_spares_free(rsdk_reader *r);

#endif
