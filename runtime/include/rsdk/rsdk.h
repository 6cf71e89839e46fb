/* rsdk/rsdk.h — the whole runtime API. */
#ifndef RSDK_RSDK_H
#define RSDK_RSDK_H

#include "rsdk/alloc.h"
#include "rsdk/async.h"
#include "rsdk/async_cluster.h"
#include "rsdk/async_sentinel.h"
#include "rsdk/backoff.h"
#include "rsdk/buf.h"
#include "rsdk/client.h"
#include "rsdk/cluster.h"
#include "rsdk/cluster_pubsub.h"
#include "rsdk/common.h"
#include "rsdk/credentials.h"
#include "rsdk/error.h"
#include "rsdk/events.h"
#include "rsdk/loop.h"
#include "rsdk/pool.h"
#include "rsdk/pubsub.h"
#include "rsdk/reader.h"
#include "rsdk/reply.h"
#include "rsdk/reply_shape.h"
#include "rsdk/typed.h"
#include "rsdk/retry.h"
#include "rsdk/sentinel.h"
#include "rsdk/txn.h"
#include "rsdk/url.h"
#include "rsdk/version.h"
#include "rsdk/writer.h"

#endif
