/* reader_scan.h — the scan pass (reader_scan.c): validates a buffered reply and counts what its tree needs. */
#ifndef RSDK_SRC_READER_SCAN_H
#define RSDK_SRC_READER_SCAN_H

#include "rsdk/reader.h"
#include "rsdk/reply.h"

/* Advances the scan. 1: a whole reply lies in [start, pos); 0: more bytes
 * are needed; -1: protocol error (reader is dead, err set). */
int rsdk__reader_scan(rsdk_reader *r);

#endif
