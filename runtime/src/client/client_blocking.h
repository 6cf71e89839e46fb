/* client_blocking.h — the blocking commands and how long each may block
 * (client_blocking.c). */
#ifndef RSDK_SRC_CLIENT_BLOCKING_H
#define RSDK_SRC_CLIENT_BLOCKING_H

#include <stdbool.h>
#include <stddef.h>

#include "client_cmdview.h"

/* How long the blocking command encoded at data[0..len) may block the
 * connection, from its own timeout argument: -1 when it does not block
 * (or is not a blocking command), 0 when it blocks forever, else
 * milliseconds. For a buffer holding several commands, the sum; 0 if any
 * blocks forever (client_blocking.c). */
long long rsdk__command_block_ms(const char *data, size_t len);

/* False when the first command at data[0..len) surely does not block (its
 * name starts with no letter a blocking command starts with): a cheap look
 * at one name, for single commands and for the pipeline's queue. */
bool rsdk__command_may_block(const char *data, size_t len);

/* The same test on a command name. */
bool rsdk__name_may_block(const rsdk__arg *name);

/* Whether `name` is in that table, and its i-th entry (NULL past the end):
 * for the test that keeps the table in step with the specs. */
bool rsdk__blocking_known(const char *name);
const char *rsdk__blocking_name(size_t i);

#endif
