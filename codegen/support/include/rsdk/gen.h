/* rsdk/gen.h — helpers that generated command modules call.
 *
 * Application code does not need these: it calls the generated functions
 * (rcore_get, rcore_get_encode, ...). They are public only because each
 * module is its own library. The contract is stable within one rsdk release.
 *
 * Encoding runs a generated "walk" of the arguments twice over one
 * rsdk_gen_enc: first counting (and checking every argument, so a bad one is
 * rejected before a byte is written), then writing. Each helper is a no-op
 * once the encoder has failed, so generated walks need no error checks. */
#ifndef RSDK_GEN_H
#define RSDK_GEN_H

#include "rsdk/buf.h"
#include "rsdk/client.h"
#include "rsdk/common.h"
#include "rsdk/error.h"
#include "rsdk/reply.h"
#include "rsdk/reply_shape.h"
#include "rsdk/typed.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- encoding ------------------------------------------------------------ */

typedef struct rsdk_gen_enc {
    rsdk_buf *out;
    rsdk_error *err;       /* may be NULL */
    const char *command;   /* for messages: "SET" */
    size_t argc;           /* arguments counted in the first pass */
    size_t start;          /* out->len before this command */
    bool writing;          /* second pass */
    rsdk_status status;    /* first failure, sticky */
} rsdk_gen_enc;

/* Starts the counting pass. A buffer that already failed fails the encode
 * with its sticky status. */
RSDK_API void rsdk_gen_enc_init(rsdk_gen_enc *e, rsdk_buf *out, rsdk_error *err,
                                const char *command);

/* Ends the counting pass: writes the RESP array header and switches to
 * writing. False when the first pass failed (nothing was written). */
RSDK_API bool rsdk_gen_enc_write(rsdk_gen_enc *e);

/* Finishes: on failure the partial bytes are dropped (out->len restored) and
 * `err` is filled; returns the status. */
RSDK_API rsdk_status rsdk_gen_enc_finish(rsdk_gen_enc *e);

/* Records an argument error (RSDK_ERR_INVALID_ARG) for argument `arg`:
 * "SET: condition.ifeq_value: NULL pointer with non-zero length". */
RSDK_API void rsdk_gen_bad(rsdk_gen_enc *e, const char *arg, const char *what);

/* A literal token or command word. */
RSDK_API void rsdk_gen_tok(rsdk_gen_enc *e, const char *tok, size_t len);

/* Values. rsdk_gen_str rejects {NULL, len > 0}. */
RSDK_API void rsdk_gen_str(rsdk_gen_enc *e, rsdk_str s, const char *arg);
RSDK_API void rsdk_gen_int(rsdk_gen_enc *e, int64_t v);
RSDK_API void rsdk_gen_uint(rsdk_gen_enc *e, uint64_t v);
RSDK_API void rsdk_gen_double(rsdk_gen_enc *e, double v);

/* A count the call fills in itself (numkeys). */
RSDK_API void rsdk_gen_count(rsdk_gen_enc *e, size_t n, const char *arg);

/* Checks an (array, count) pair: a NULL array with count > 0 is an error, so
 * is count 0 when `required`. True when there are elements to emit. */
RSDK_API bool rsdk_gen_array(rsdk_gen_enc *e, const void *arr, size_t n, bool required,
                             const char *arg);

/* Checks that two arrays have the same length (STREAMS key... id...). With
 * `optional`, an empty `n` is also accepted. */
RSDK_API void rsdk_gen_same_count(rsdk_gen_enc *e, size_t n, size_t want, bool optional,
                                  const char *arg, const char *other);

/* ---- decoding ------------------------------------------------------------ */

/* Each checks `r` for the result kind. An error reply gives its mapped code
 * (RSDK_ERR_WRONGTYPE, ...); a reply of the wrong type gives
 * RSDK_ERR_UNEXPECTED_REPLY and a nil where none is allowed RSDK_ERR_NIL.
 * `out` is written only on RSDK_OK and may be NULL (check only). */
RSDK_API rsdk_status rsdk_gen_decode_status(const rsdk_reply *r);
RSDK_API rsdk_status rsdk_gen_decode_int(const rsdk_reply *r, int64_t *out);
RSDK_API rsdk_status rsdk_gen_decode_int_or_nil(const rsdk_reply *r, rsdk_int_or_nil *out);
RSDK_API rsdk_status rsdk_gen_decode_bool(const rsdk_reply *r, bool *out);
RSDK_API rsdk_status rsdk_gen_decode_double(const rsdk_reply *r, double *out);
RSDK_API rsdk_status rsdk_gen_decode_double_or_nil(const rsdk_reply *r, rsdk_double_or_nil *out);
/* Borrows from `r` (owner NULL). */
RSDK_API rsdk_status rsdk_gen_decode_string(const rsdk_reply *r, rsdk_string *out);
/* Normalises `r` in place to table[1] (rsdk_reply_normalize: type tags
 * only, so RESP2 layouts that need new nodes stay as received) and hands it
 * back as *out. `table` may be NULL (the shape-free rules only). */
RSDK_API rsdk_status rsdk_gen_decode_reply(const rsdk_reply *r, const rsdk_shape *table,
                                           const rsdk_reply **out);

/* ---- sync calls and queueing --------------------------------------------- */

/* One sync call: a per-call encode buffer and the encoder's error record. */
typedef struct rsdk_gen_call {
    rsdk_client *c;
    rsdk_buf buf;
    rsdk_error err;
} rsdk_gen_call;

RSDK_API void rsdk_gen_call_init(rsdk_gen_call *k, rsdk_client *c);

/* Sends what was encoded (when `encoded` is RSDK_OK) and reads the reply.
 * Every failure is recorded in the client's error (rsdk_client_error): the
 * encoder's argument error, a connection failure, or an error reply (mapped
 * by its prefix, reply freed). On RSDK_OK *reply is the caller's. The buffer
 * is released in every case. */
RSDK_API rsdk_status rsdk_gen_call_run(rsdk_gen_call *k, rsdk_status encoded, rsdk_reply **reply);

/* Decode a reply a sync call owns, then free it or hand it over. On
 * failure the reply is freed, the client's error says why, and *out is
 * untouched. `out` may be NULL (result checked, then dropped). */
RSDK_API rsdk_status rsdk_gen_take_status(rsdk_client *c, rsdk_reply *r);
RSDK_API rsdk_status rsdk_gen_take_int(rsdk_client *c, rsdk_reply *r, int64_t *out);
RSDK_API rsdk_status rsdk_gen_take_int_or_nil(rsdk_client *c, rsdk_reply *r, rsdk_int_or_nil *out);
RSDK_API rsdk_status rsdk_gen_take_bool(rsdk_client *c, rsdk_reply *r, bool *out);
RSDK_API rsdk_status rsdk_gen_take_double(rsdk_client *c, rsdk_reply *r, double *out);
RSDK_API rsdk_status rsdk_gen_take_double_or_nil(rsdk_client *c, rsdk_reply *r,
                                                 rsdk_double_or_nil *out);
/* The string keeps `r` as its owner. */
RSDK_API rsdk_status rsdk_gen_take_string(rsdk_client *c, rsdk_reply *r, rsdk_string *out);
/* `r` brought fully to the form table[1] describes (rsdk_reply_reshape:
 * a rebuilt tree replaces `r` where RESP2's layout differs) becomes *out.
 * `table` may be NULL (the shape-free rules only). */
RSDK_API rsdk_status rsdk_gen_take_reply(rsdk_client *c, rsdk_reply *r, const rsdk_shape *table,
                                         rsdk_reply **out);

/* Queue wrappers: the buffer of a pipeline to encode one command into (NULL
 * for a NULL pipeline), then rsdk_gen_queue_done to commit it (RSDK_OK) or
 * roll it back. A NULL pipeline gives RSDK_ERR_INVALID_ARG in `err`. */
RSDK_API rsdk_buf *rsdk_gen_queue_buf(rsdk_pipeline *p);
RSDK_API rsdk_status rsdk_gen_queue_done(rsdk_pipeline *p, rsdk_status encoded, rsdk_error *err,
                                         const char *command);
/* The same for a command whose reply the pipeline brings to the form
 * table[1] describes after the exec (rsdk_pipeline_commit_shaped), so the
 * slot holds the same tree on RESP2 and RESP3. RSDK_ERR_NOMEM (command
 * rolled back) when the pipeline cannot record the shape. */
RSDK_API rsdk_status rsdk_gen_queue_done_shaped(rsdk_pipeline *p, rsdk_status encoded,
                                                rsdk_error *err, const char *command,
                                                const rsdk_shape *table);

#ifdef __cplusplus
}
#endif
#endif
