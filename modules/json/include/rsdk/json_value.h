/* rsdk/json_value.h — JSON values as Jansson json_t for the JSON commands.
 *
 * The generated bindings (rsdk/json.h) send and return JSON as text: the
 * commands that take or return a whole value are named with `_str`
 * (rjson_set_str, rjson_get_str, rjson_mget_str, rjson_numincrby_str,
 * rjson_nummultby_str). This header adds the same commands over Jansson:
 * rjson_set serialises a json_t compactly straight into the command buffer,
 * rjson_get and rjson_mget parse the reply into json_t (the caller owns each
 * one: json_decref), and the numeric commands give typed numbers.
 *
 * Paths: a legacy path (".a", "." or none) answers the one value it names;
 * a JSONPath ("$.a", "$..n") answers an array with one entry per match
 * (empty when nothing matches). rjson_get hands back exactly that (the
 * value, or the array of matches); with several paths the server answers
 * an object keyed by path and rjson_get hands back that object. See
 * docs/json.md.
 *
 * Errors: a NULL json_t or a non-finite number is RSDK_ERR_INVALID_ARG
 * naming the argument, and nothing is sent; a reply that is not valid JSON
 * is RSDK_ERR_PROTOCOL with the position (line, column, byte offset) where
 * parsing stopped. Sync calls record the detail in rsdk_client_error(c);
 * the encoders and decoders fill `err` (may be NULL). */
#ifndef RSDK_JSON_VALUE_H
#define RSDK_JSON_VALUE_H

#include <jansson.h>

#include "rsdk/json.h"

#ifdef __cplusplus
extern "C" {
#endif

/* JSON.SET key path <value serialised compactly> [NX | XX] [FPHA ...],
 * appended to `out` (no I/O). The serialisation is written into `out`
 * itself, with no intermediate string. RSDK_ERR_INVALID_ARG for a NULL
 * value (or one Jansson cannot serialise); `out` is then left as it was. */
RSDK_API rsdk_status rjson_set_encode(rsdk_buf *out, rsdk_str key, rsdk_str path, const json_t *value,
                                      const rjson_set_str_opts *opts, rsdk_error *err);

/* JSON.SET with a json_t. *applied (may be NULL) is false when NX or XX
 * stopped the write (the server's nil), true otherwise. */
RSDK_API rsdk_status rjson_set(rsdk_client *c, rsdk_str key, rsdk_str path, const json_t *value,
                               const rjson_set_str_opts *opts, bool *applied);

/* JSON.SET with a json_t into a pipeline or transaction; read its slot with
 * rjson_set_str_decode (a nil string: NX or XX stopped the write). */
RSDK_API rsdk_status rjson_set_queue(rsdk_pipeline *p, rsdk_str key, rsdk_str path, const json_t *value,
                                     const rjson_set_str_opts *opts, rsdk_error *err);

/* JSON.GET key [path]: *out is the parsed value (a "$" path: the array of
 * its matches), or NULL when the key does not exist. `path` {NULL, 0}
 * sends none (the whole document, legacy form). */
RSDK_API rsdk_status rjson_get(rsdk_client *c, rsdk_str key, rsdk_str path, json_t **out);

/* JSON.GET key path1 path2 ...: with two paths or more *out is an object
 * keyed by path (each entry as rjson_get would give it); with one, as
 * rjson_get; with none, the whole document. NULL when the key is missing. */
RSDK_API rsdk_status rjson_get_paths(rsdk_client *c, rsdk_str key, const rsdk_str *paths,
                                     size_t npaths, json_t **out);

/* A JSON.GET reply (e.g. a pipeline slot of rjson_get_str_queue) as json_t:
 * *out is a new reference, or NULL for a nil reply. */
RSDK_API rsdk_status rjson_get_decode(rsdk_reply *r, json_t **out, rsdk_error *err);

/* JSON.MGET key... path: out[i] (the caller's array of `nkeys` slots) is
 * key i's value at `path` (a "$" path: the array of matches), or NULL when
 * key i does not exist. On failure every slot is NULL. */
RSDK_API rsdk_status rjson_mget(rsdk_client *c, const rsdk_str *keys, size_t nkeys, rsdk_str path,
                                json_t **out);

/* A JSON.MGET reply into `nkeys` slots (see rjson_mget); a reply with
 * another count is RSDK_ERR_UNEXPECTED_REPLY. */
RSDK_API rsdk_status rjson_mget_decode(rsdk_reply *r, json_t **out, size_t nkeys, rsdk_error *err);

/* The numbers JSON.NUMINCRBY and JSON.NUMMULTBY answer: one for a legacy
 * path (`multi` false, count 1), one per match for a "$" path (`multi`
 * true; `nil` where the match is not a number). Integers stay int64 (a
 * JSON number without fraction or exponent that fits), others are doubles. */
typedef struct rjson_numbers {
    rsdk_int_or_double *item; /* count entries, owned (rjson_numbers_deinit) */
    size_t count;
    bool multi;
} rjson_numbers;

/* Frees the entries; accepts NULL. */
RSDK_API void rjson_numbers_deinit(rjson_numbers *n);

/* A JSON.NUMINCRBY / JSON.NUMMULTBY reply (JSON text "3", "[3.5,null]", or
 * a RESP array of numbers) as numbers. */
RSDK_API rsdk_status rjson_numbers_decode(rsdk_reply *r, rjson_numbers *out, rsdk_error *err);

/* JSON.NUMINCRBY key path value: the new numbers. A non-finite `value` is
 * RSDK_ERR_INVALID_ARG ("JSON.NUMINCRBY: value: needs a finite number (not
 * inf or -inf)", or "... NaN is not accepted here"), nothing sent. */
RSDK_API rsdk_status rjson_numincrby(rsdk_client *c, rsdk_str key, rsdk_str path, double value,
                                     rjson_numbers *out);

/* JSON.NUMMULTBY key path value, as rjson_numincrby. */
RSDK_API rsdk_status rjson_nummultby(rsdk_client *c, rsdk_str key, rsdk_str path, double value,
                                     rjson_numbers *out);

#ifdef RJSON_STRING_MACROS
/* C strings or rsdk_str for keys and paths, as the generated calls take. */
#define rjson_set_encode(out, key, path, ...) (rjson_set_encode)((out), RSDK_S(key), RSDK_S(path), __VA_ARGS__)
#define rjson_set(c, key, path, ...) (rjson_set)((c), RSDK_S(key), RSDK_S(path), __VA_ARGS__)
#define rjson_set_queue(p, key, path, ...) (rjson_set_queue)((p), RSDK_S(key), RSDK_S(path), __VA_ARGS__)
#define rjson_get(c, key, path, out) (rjson_get)((c), RSDK_S(key), RSDK_S(path), (out))
#define rjson_get_paths(c, key, ...) (rjson_get_paths)((c), RSDK_S(key), __VA_ARGS__)
#define rjson_mget(c, keys, nkeys, path, out) (rjson_mget)((c), (keys), (nkeys), RSDK_S(path), (out))
#define rjson_numincrby(c, key, path, ...) (rjson_numincrby)((c), RSDK_S(key), RSDK_S(path), __VA_ARGS__)
#define rjson_nummultby(c, key, path, ...) (rjson_nummultby)((c), RSDK_S(key), RSDK_S(path), __VA_ARGS__)
#endif

#ifdef __cplusplus
}
#endif

#endif
