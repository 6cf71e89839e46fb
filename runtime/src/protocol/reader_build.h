/* reader_build.h — the build pass (reader_build.c): the tree of a reply the scan found. */
#ifndef RSDK_SRC_READER_BUILD_H
#define RSDK_SRC_READER_BUILD_H

#include "rsdk/reader.h"
#include "rsdk/reply.h"

/* Builds the reply the scan found. NULL on no memory (state unchanged). */
rsdk_reply *rsdk__reader_build(rsdk_reader *r);

#endif
