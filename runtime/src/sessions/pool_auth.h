/* pool_auth.h — re-AUTH of idle pooled connections when the credentials
 * change (pool_auth.c). */
#ifndef RSDK_SRC_POOL_AUTH_H
#define RSDK_SRC_POOL_AUTH_H

#include "rsdk/events.h"

/* Listener for RSDK_EVENT_CREDENTIALS_CHANGED (pool_auth.c): re-AUTHs every
 * idle connection, one at a time so the others stay available. */
void rsdk__pool_on_credentials(const rsdk_event *ev, void *ud);

#endif
