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
#include "rsdk/pipeline_internal.h"
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

/* A double the server refuses when it is NaN (and, without `allow_inf`,
 * when it is infinite): "TS.ADD: value: needs a finite number (not inf or
 * -inf)". From the spec's "rsdk": {"finite"} / {"not_nan"}. */
RSDK_API void rsdk_gen_double_checked(rsdk_gen_enc *e, double v, bool allow_inf, const char *arg);

/* A count the call fills in itself (numkeys). */
RSDK_API void rsdk_gen_count(rsdk_gen_enc *e, size_t n, const char *arg);

/* Starts `counter` as a counting-only encoder for the same command as `e`
 * (no buffer, no error output): generated walks run an argument through it
 * to learn how many arguments it sends (RediSearch's PARAMS nargs), which
 * they then send as a count. Errors are found again by the real walk. */
RSDK_API void rsdk_gen_enc_counter(rsdk_gen_enc *counter, const rsdk_gen_enc *e);

/* Checks an (array, count) pair: a NULL array with count > 0 is an error, so
 * is count 0 when `required`. True when there are elements to emit. */
RSDK_API bool rsdk_gen_array(rsdk_gen_enc *e, const void *arr, size_t n, bool required,
                             const char *arg);

/* Checks that two arrays have the same length (STREAMS key... id...). With
 * `optional`, an empty `n` is also accepted. */
RSDK_API void rsdk_gen_same_count(rsdk_gen_enc *e, size_t n, size_t want, bool optional,
                                  const char *arg, const char *other);

/* ---- decoding ------------------------------------------------------------ */

/* Bit of one rsdk_reply_type in rsdk_gen_expect.types. */
#define RSDK_GEN_T(type) (1u << RSDK_REPLY_##type)
/* Every reply type but an error: a free-form reply (no schema, or "any"). */
#define RSDK_GEN_T_ANY (RSDK_GEN_T(STRING) | RSDK_GEN_T(STATUS) | RSDK_GEN_T(INTEGER) |      \
                        RSDK_GEN_T(DOUBLE) | RSDK_GEN_T(NIL) | RSDK_GEN_T(BOOL) |            \
                        RSDK_GEN_T(BIGNUM) | RSDK_GEN_T(VERB) | RSDK_GEN_T(ARRAY) |          \
                        RSDK_GEN_T(MAP) | RSDK_GEN_T(SET) | RSDK_GEN_T(PUSH))

/* What one command may answer, from its reply schema (one static per
 * command, generated). `types` holds the reply types accepted at the top
 * of the reply on either protocol (the RESP3 types the schema names plus
 * the RESP2 forms of them); `expected` names them for messages ("string or
 * nil"); `status` is the one text a status-only command answers ("OK"),
 * else NULL. */
typedef struct rsdk_gen_expect {
    const char *command;  /* "GET" */
    uint32_t types;       /* RSDK_GEN_T bits */
    const char *expected; /* "string or nil" */
    const char *status;   /* "OK", or NULL */
    uint32_t form;        /* views: RSDK_GEN_KEYED... (0: a plain list) */
} rsdk_gen_expect;

/* Where a view finds its items (rsdk_gen_expect.form), from the schema. */
#define RSDK_GEN_KEYED 1u     /* [key, [items]] (LMPOP, ZMPOP): `key` and the inner list */
#define RSDK_GEN_KEYED_ONE 2u /* [key, member, score] (BZPOPMIN): one flat pair after the key */
#define RSDK_GEN_ONE_PAIR 4u  /* [member, score] alone is one pair (ZPOPMIN without COUNT) */
#define RSDK_GEN_NEXT 8u      /* [next id, [entries], [deleted ids]] (XAUTOCLAIM) */
#define RSDK_GEN_POSITIONS 16u/* items are [longitude, latitude] or nil (GEOPOS) */

/* Each checks `r` against `x` and the result kind. A reply type outside
 * x->types gives RSDK_ERR_UNEXPECTED_REPLY ("GET: unexpected reply type
 * status (expected string or nil)"), or RSDK_ERR_NIL for a nil; an error
 * reply gives its mapped code (RSDK_ERR_WRONGTYPE, ...) and its text; a
 * value the kind cannot read (text that is no number, another status
 * text) gives RSDK_ERR_UNEXPECTED_REPLY too. The detail goes to `err` (may
 * be NULL). `out` is written only on RSDK_OK and may be NULL (check only). */
RSDK_API rsdk_status rsdk_gen_decode_status(const rsdk_reply *r, const rsdk_gen_expect *x,
                                            rsdk_error *err);
RSDK_API rsdk_status rsdk_gen_decode_int(const rsdk_reply *r, const rsdk_gen_expect *x,
                                         int64_t *out, rsdk_error *err);
RSDK_API rsdk_status rsdk_gen_decode_int_or_nil(const rsdk_reply *r, const rsdk_gen_expect *x,
                                                rsdk_int_or_nil *out, rsdk_error *err);
RSDK_API rsdk_status rsdk_gen_decode_bool(const rsdk_reply *r, const rsdk_gen_expect *x, bool *out,
                                          rsdk_error *err);
RSDK_API rsdk_status rsdk_gen_decode_double(const rsdk_reply *r, const rsdk_gen_expect *x,
                                            double *out, rsdk_error *err);
RSDK_API rsdk_status rsdk_gen_decode_double_or_nil(const rsdk_reply *r, const rsdk_gen_expect *x,
                                                   rsdk_double_or_nil *out, rsdk_error *err);
/* Borrows from `r` (owner NULL). */
RSDK_API rsdk_status rsdk_gen_decode_string(const rsdk_reply *r, const rsdk_gen_expect *x,
                                            rsdk_string *out, rsdk_error *err);
/* Normalises `r` in place to table[1] (rsdk_reply_normalize: type tags
 * only, so RESP2 layouts that need new nodes stay as received) and hands it
 * back as *out. `table` may be NULL (the shape-free rules only). Only the
 * top node's type is checked against `x`. */
RSDK_API rsdk_status rsdk_gen_decode_reply(rsdk_reply *r, const rsdk_gen_expect *x,
                                           const rsdk_shape *table, const rsdk_reply **out,
                                           rsdk_error *err);

/* Views (rsdk/typed.h): `r` normalised in place as rsdk_gen_decode_reply
 * does, then read into the view, which borrows from `r` (owner NULL). The
 * top is checked against `x` and every item against the view's item types
 * (strings: text or nil; ints: integer or nil; doubles: number or nil;
 * bools: integer or boolean; pairs and scored: text, or [text, value]
 * pairs; a scan page: [cursor, [text...]]); anything else gives
 * RSDK_ERR_UNEXPECTED_REPLY naming the item. */
RSDK_API rsdk_status rsdk_gen_decode_strings(rsdk_reply *r, const rsdk_gen_expect *x,
                                             const rsdk_shape *table, rsdk_strings *out,
                                             rsdk_error *err);
RSDK_API rsdk_status rsdk_gen_decode_pairs(rsdk_reply *r, const rsdk_gen_expect *x,
                                           const rsdk_shape *table, rsdk_pairs *out, rsdk_error *err);
RSDK_API rsdk_status rsdk_gen_decode_scored(rsdk_reply *r, const rsdk_gen_expect *x,
                                            const rsdk_shape *table, rsdk_scored *out,
                                            rsdk_error *err);
RSDK_API rsdk_status rsdk_gen_decode_ints(rsdk_reply *r, const rsdk_gen_expect *x,
                                          const rsdk_shape *table, rsdk_ints *out, rsdk_error *err);
RSDK_API rsdk_status rsdk_gen_decode_doubles(rsdk_reply *r, const rsdk_gen_expect *x,
                                             const rsdk_shape *table, rsdk_doubles *out,
                                             rsdk_error *err);
RSDK_API rsdk_status rsdk_gen_decode_bools(rsdk_reply *r, const rsdk_gen_expect *x,
                                           const rsdk_shape *table, rsdk_bools *out, rsdk_error *err);
RSDK_API rsdk_status rsdk_gen_decode_scan_page(rsdk_reply *r, const rsdk_gen_expect *x,
                                               const rsdk_shape *table, rsdk_scan_page *out,
                                               rsdk_error *err);
/* Stream entries: each item [id, [field, value...] or nil], or an id
 * (JUSTID); with RSDK_GEN_NEXT the reply is [next, [entries], [ids]?]. */
RSDK_API rsdk_status rsdk_gen_decode_stream_entries(rsdk_reply *r, const rsdk_gen_expect *x,
                                                    const rsdk_shape *table,
                                                    rsdk_stream_entries *out, rsdk_error *err);
/* Streams: a map (or RESP2's list of [stream, entries]) of entries. */
RSDK_API rsdk_status rsdk_gen_decode_streams(rsdk_reply *r, const rsdk_gen_expect *x,
                                             const rsdk_shape *table, rsdk_streams *out,
                                             rsdk_error *err);
/* GEO: members, or [member, dist?, hash?, [lon, lat]?] records; with
 * RSDK_GEN_POSITIONS, [lon, lat] or nil items. */
RSDK_API rsdk_status rsdk_gen_decode_geo(rsdk_reply *r, const rsdk_gen_expect *x,
                                         const rsdk_shape *table, rsdk_geo *out, rsdk_error *err);
/* XPENDING: [total, min, max, [[consumer, count]]] (min, max and the list
 * nil when nothing is pending), or [[id, consumer, idle, deliveries]...]. */
RSDK_API rsdk_status rsdk_gen_decode_pending(rsdk_reply *r, const rsdk_gen_expect *x,
                                             const rsdk_shape *table, rsdk_pending *out,
                                             rsdk_error *err);
/* Scalars read from the tree: an integer or nil, or [integer, number]
 * (rank); an integer, a number or nil (int_or_double). Nothing is kept
 * from `r`. */
RSDK_API rsdk_status rsdk_gen_decode_rank(rsdk_reply *r, const rsdk_gen_expect *x,
                                          const rsdk_shape *table, rsdk_rank *out, rsdk_error *err);
RSDK_API rsdk_status rsdk_gen_decode_int_or_double(rsdk_reply *r, const rsdk_gen_expect *x,
                                                   const rsdk_shape *table, rsdk_int_or_double *out,
                                                   rsdk_error *err);

/* ---- module result types (rsdk glue) ---------------------------------------- */

/* A command whose spec says "rsdk": {"glue": "x"} returns the module's own
 * type <prefix>x, declared in rsdk/<module>_types.h with
 *   rsdk_status <prefix>x_read(const rsdk_reply *tree, <prefix>x *out, rsdk_error *err);
 *   void <prefix>x_deinit(<prefix>x *v);
 * and a field `rsdk_reply *owner` (set by the sync call). The generated
 * decoder brings the reply to its RESP3 form (rsdk_gen_decode_reply), then
 * calls the reader; these helpers do the steps readers share. */

/* RSDK_ERR_UNEXPECTED_REPLY in `err`: "TS.INFO: unexpected array
 * (expected a map of fields)". `at` may be NULL. */
RSDK_API rsdk_status rsdk_gen_glue_bad(rsdk_error *err, const char *command, const char *what,
                                       const rsdk_reply *at);
/* An integer node, or text holding a whole number (RESP2 counters). */
RSDK_API bool rsdk_gen_glue_int(const rsdk_reply *n, int64_t *out);
/* A string, status or verbatim node (borrowed), or nil as {NULL, 0}. */
RSDK_API bool rsdk_gen_glue_text(const rsdk_reply *n, rsdk_str *out);
/* Key/value pairs in any of their layouts: a MAP, a flat array [k, v, ...]
 * (RESP2's map), or an array of [k, v] arrays. */
RSDK_API size_t rsdk_gen_glue_pair_count(const rsdk_reply *n);
RSDK_API bool rsdk_gen_glue_pair_at(const rsdk_reply *n, size_t i, const rsdk_reply **key,
                                    const rsdk_reply **value);
/* The first `count` pairs of `n` as text pairs (values may be nil),
 * borrowed from `n`. */
RSDK_API rsdk_status rsdk_gen_glue_pairs(const rsdk_reply *n, rsdk_pair *out, size_t count,
                                         const char *command, rsdk_error *err);

/* One named field of a record reply, written at `offset` in the result. */
typedef enum rsdk_gen_field_kind {
    RSDK_GEN_FIELD_INT = 1, /* int64_t */
    RSDK_GEN_FIELD_DOUBLE,  /* double (a RESP3 double or RESP2 text) */
    RSDK_GEN_FIELD_TEXT,    /* rsdk_str, {NULL, 0} for nil */
    RSDK_GEN_FIELD_NODE,    /* const rsdk_reply *: the value as it is */
} rsdk_gen_field_kind;

typedef struct rsdk_gen_field {
    const char *name; /* as the server spells it ("totalSamples") */
    rsdk_gen_field_kind kind;
    size_t offset;    /* offsetof(result type, field) */
} rsdk_gen_field;

/* Reads the fields of `map` (a map or RESP2's flat list) into `base`;
 * names not listed are skipped (newer servers add fields), listed names
 * missing from the reply leave their field as it was. */
RSDK_API rsdk_status rsdk_gen_glue_fields(const rsdk_reply *map, const rsdk_gen_field *fields,
                                          size_t nfields, void *base, const char *command,
                                          rsdk_error *err);

/* ---- sync calls and queueing --------------------------------------------- */

/* One sync call: the encode buffer (the client's own, lent by
 * rsdk_gen_call_init and given back by rsdk_gen_call_run, so a call
 * allocates nothing for it) and the encoder's error record. */
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

/* Decode a reply a sync call owns (checked against `x` as the decoders
 * do), then free it or hand it over. On failure the reply is freed, the
 * client's error says why, and *out is untouched. `out` may be NULL
 * (result checked, then dropped). */
RSDK_API rsdk_status rsdk_gen_take_status(rsdk_client *c, rsdk_reply *r, const rsdk_gen_expect *x);
RSDK_API rsdk_status rsdk_gen_take_int(rsdk_client *c, rsdk_reply *r, const rsdk_gen_expect *x,
                                       int64_t *out);
RSDK_API rsdk_status rsdk_gen_take_int_or_nil(rsdk_client *c, rsdk_reply *r,
                                              const rsdk_gen_expect *x, rsdk_int_or_nil *out);
RSDK_API rsdk_status rsdk_gen_take_bool(rsdk_client *c, rsdk_reply *r, const rsdk_gen_expect *x,
                                        bool *out);
RSDK_API rsdk_status rsdk_gen_take_double(rsdk_client *c, rsdk_reply *r, const rsdk_gen_expect *x,
                                          double *out);
RSDK_API rsdk_status rsdk_gen_take_double_or_nil(rsdk_client *c, rsdk_reply *r,
                                                 const rsdk_gen_expect *x, rsdk_double_or_nil *out);
/* The string keeps `r` as its owner. */
RSDK_API rsdk_status rsdk_gen_take_string(rsdk_client *c, rsdk_reply *r, const rsdk_gen_expect *x,
                                          rsdk_string *out);
/* `r` brought fully to the form table[1] describes (rsdk_reply_reshape:
 * a rebuilt tree replaces `r` where RESP2's layout differs) becomes *out.
 * `table` may be NULL (the shape-free rules only). */
RSDK_API rsdk_status rsdk_gen_take_reply(rsdk_client *c, rsdk_reply *r, const rsdk_gen_expect *x,
                                         const rsdk_shape *table, rsdk_reply **out);

/* Views from a reply a sync call owns: brought to its RESP3 form as
 * rsdk_gen_take_reply does, read as the decoders above do, and handed over
 * in the view (owner = the reply; rsdk_<view>_deinit frees it). */
RSDK_API rsdk_status rsdk_gen_take_strings(rsdk_client *c, rsdk_reply *r, const rsdk_gen_expect *x,
                                           const rsdk_shape *table, rsdk_strings *out);
RSDK_API rsdk_status rsdk_gen_take_pairs(rsdk_client *c, rsdk_reply *r, const rsdk_gen_expect *x,
                                         const rsdk_shape *table, rsdk_pairs *out);
RSDK_API rsdk_status rsdk_gen_take_scored(rsdk_client *c, rsdk_reply *r, const rsdk_gen_expect *x,
                                          const rsdk_shape *table, rsdk_scored *out);
RSDK_API rsdk_status rsdk_gen_take_ints(rsdk_client *c, rsdk_reply *r, const rsdk_gen_expect *x,
                                        const rsdk_shape *table, rsdk_ints *out);
RSDK_API rsdk_status rsdk_gen_take_doubles(rsdk_client *c, rsdk_reply *r, const rsdk_gen_expect *x,
                                           const rsdk_shape *table, rsdk_doubles *out);
RSDK_API rsdk_status rsdk_gen_take_bools(rsdk_client *c, rsdk_reply *r, const rsdk_gen_expect *x,
                                         const rsdk_shape *table, rsdk_bools *out);
RSDK_API rsdk_status rsdk_gen_take_scan_page(rsdk_client *c, rsdk_reply *r,
                                             const rsdk_gen_expect *x, const rsdk_shape *table,
                                             rsdk_scan_page *out);
RSDK_API rsdk_status rsdk_gen_take_stream_entries(rsdk_client *c, rsdk_reply *r,
                                                  const rsdk_gen_expect *x, const rsdk_shape *table,
                                                  rsdk_stream_entries *out);
RSDK_API rsdk_status rsdk_gen_take_streams(rsdk_client *c, rsdk_reply *r, const rsdk_gen_expect *x,
                                           const rsdk_shape *table, rsdk_streams *out);
RSDK_API rsdk_status rsdk_gen_take_geo(rsdk_client *c, rsdk_reply *r, const rsdk_gen_expect *x,
                                       const rsdk_shape *table, rsdk_geo *out);
RSDK_API rsdk_status rsdk_gen_take_pending(rsdk_client *c, rsdk_reply *r, const rsdk_gen_expect *x,
                                           const rsdk_shape *table, rsdk_pending *out);
/* The scalars: read as the decoders do, then `r` is freed. */
RSDK_API rsdk_status rsdk_gen_take_rank(rsdk_client *c, rsdk_reply *r, const rsdk_gen_expect *x,
                                        const rsdk_shape *table, rsdk_rank *out);
RSDK_API rsdk_status rsdk_gen_take_int_or_double(rsdk_client *c, rsdk_reply *r,
                                                 const rsdk_gen_expect *x, const rsdk_shape *table,
                                                 rsdk_int_or_double *out);

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
/* Either of those (rsdk_gen_queue_done_shaped when `table` is not NULL)
 * for a command whose one key is the argument after its name, `command`
 * (namelen bytes): the pipeline is told both (rsdk_pipeline_name_key)
 * before the commit, so it does not read them back from the bytes. */
RSDK_API rsdk_status rsdk_gen_queue_done_key(rsdk_pipeline *p, rsdk_status encoded, rsdk_error *err,
                                             const char *command, size_t namelen, const rsdk_shape *table,
                                             rsdk_str key);

#ifdef __cplusplus
}
#endif
#endif
