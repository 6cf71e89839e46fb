/* conn_plain.h — the plain transport (conn_plain.c): recv/send on the
 * connection's own fd; the one rsdk__conn_open installs first. */
#ifndef RSDK_SRC_CONN_PLAIN_H
#define RSDK_SRC_CONN_PLAIN_H

#include "transport.h"

/* The plain transport's operations; ctx is the rsdk__conn itself. */
extern const rsdk__transport_ops rsdk__plain_ops;

#endif
