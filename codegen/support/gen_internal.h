/* Internal helpers shared by the generated-code support files. */
#ifndef RSDK_GEN_INTERNAL_H
#define RSDK_GEN_INTERNAL_H

#include "rsdk/gen.h"

/* RSDK_OK for a usable reply; the mapped code for an error reply;
 * RSDK_ERR_INVALID_ARG for NULL. */
rsdk_status rsdk__gen_check(const rsdk_reply *r);

#endif
