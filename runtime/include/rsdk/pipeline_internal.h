/* rsdk/pipeline_internal.h — what generated code (and other encoders) use
 * to queue an encoded command on a pipeline or send it on a client: not part of the stable API
 * (docs/abi.md). Applications queue with the generated <prefix>X_queue
 * functions or rsdk_pipeline_append_argv (rsdk/client.h). */
#ifndef RSDK_PIPELINE_INTERNAL_H
#define RSDK_PIPELINE_INTERNAL_H

#include "rsdk/buf.h"
#include "rsdk/client.h"
#include "rsdk/common.h"
#include "rsdk/reply_shape.h"

#ifdef __cplusplus
extern "C" {
#endif

/* For encoders: the buffer to write exactly one encoded command into, then
 * rsdk_pipeline_commit() to count it. A failed encode must call
 * rsdk_pipeline_rollback() instead (drops the partial bytes). */
RSDK_API rsdk_buf *rsdk_pipeline_buf(rsdk_pipeline *p);
RSDK_API void rsdk_pipeline_commit(rsdk_pipeline *p);
RSDK_API void rsdk_pipeline_rollback(rsdk_pipeline *p);

/* For encoders that know the name and the one key of the command they
 * are encoding (generated calls of commands whose one key is the argument
 * after the name): call after the encode, before rsdk_pipeline_commit or
 * rsdk_pipeline_commit_shaped, which then take the name as given instead
 * of reading it back from the bytes, and a cluster's pipeline routes the
 * command by `key` without reading it back either. Both are borrowed until
 * that commit, which forgets them, as do rsdk_pipeline_rollback and
 * rsdk_pipeline_buf. Ignored for a NULL `p` or `name`, an empty name, or
 * a NULL key.ptr with a length. */
RSDK_API void rsdk_pipeline_name_key(rsdk_pipeline *p, const char *name, size_t namelen, rsdk_str key);

/* For encoders whose reply has a known RESP3 form (rsdk/reply_shape.h):
 * commits like rsdk_pipeline_commit, and after the exec this command's reply
 * is brought to the form table[1] describes (rsdk_reply_reshape), so
 * rsdk_pipeline_reply() gives the same tree on RESP2 and RESP3, in a
 * transaction too. `table` is borrowed until that exec (generated tables are
 * static). RSDK_ERR_NOMEM rolls the command back instead (as
 * rsdk_pipeline_rollback); RSDK_ERR_INVALID_ARG for a NULL `p`. */
RSDK_API rsdk_status rsdk_pipeline_commit_shaped(rsdk_pipeline *p, const rsdk_shape *table);

/* For generated sync calls: moves the client's reused encode buffer
 * (emptied) into *b, so that encoding a command allocates nothing once the
 * buffer has grown; rsdk_client_buf_return() gives it back once the bytes
 * are sent. A NULL `c` gives an empty buffer. Not thread-safe (as the
 * client). */
RSDK_API void rsdk_client_buf_lend(rsdk_client *c, rsdk_buf *b);

/* Takes back a buffer from rsdk_client_buf_lend() (its contents dropped) or
 * frees it when the client has no use for it (a NULL `c`, a client that
 * made itself a new one, a buffer grown too big to keep); *b is left
 * empty. */
RSDK_API void rsdk_client_buf_return(rsdk_client *c, rsdk_buf *b);

/* As rsdk_client_send_encoded, for encoders that count what they write
 * (generated calls, pipelines, transactions, the cluster): the bytes are not
 * walked to check that they hold `ncmds` commands. */
RSDK_API rsdk_status rsdk_client_send_counted(rsdk_client *c, const rsdk_buf *encoded,
                                              size_t ncmds, rsdk_reply **replies);

#ifdef __cplusplus
}
#endif
#endif
