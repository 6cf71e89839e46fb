/* rsdk/rsdk.h — the whole runtime API. */
#ifndef RSDK_RSDK_H
#define RSDK_RSDK_H

#include "rsdk/alloc.h"
#include "rsdk/buf.h"
#include "rsdk/client.h"
#include "rsdk/common.h"
#include "rsdk/error.h"
#include "rsdk/reader.h"
#include "rsdk/reply.h"
#include "rsdk/url.h"
#include "rsdk/writer.h"

#endif
