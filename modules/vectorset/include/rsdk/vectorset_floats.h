/* rsdk/vectorset_floats.h — vector sets with float vectors and JSON
 * attributes.
 *
 * The generated calls (rsdk/vectorset.h) take a vector as a choice: FP32
 * (a blob of little-endian float32) or VALUES (an array of doubles). These
 * helpers take a `const float *` and its dimension, check it, and send it
 * as the FP32 blob (on little-endian hosts the array itself, no copy), and
 * read and write element attributes as Jansson json_t. See
 * docs/vectorset.md.
 *
 * Bad input is RSDK_ERR_INVALID_ARG naming the argument, nothing sent:
 * a NULL or empty vector, a non-finite component, a REDUCE dimension the
 * vector cannot be reduced to, a NULL json_t. Sync calls record the detail
 * in rsdk_client_error(c). */
#ifndef RSDK_VECTORSET_FLOATS_H
#define RSDK_VECTORSET_FLOATS_H

#include <jansson.h>

#include "rsdk/vectorset.h"

#ifdef __cplusplus
extern "C" {
#endif

/* VADD key [REDUCE n] FP32 <v as float32> element [options]: *added (may
 * be NULL) is true when the element is new, false when it was updated. */
RSDK_API rsdk_status rvset_add_floats(rsdk_client *c, rsdk_str key, rsdk_str element, const float *v,
                                      size_t dim, const rvset_add_opts *opts, bool *added);

/* VSIM key FP32 <v as float32> [options]: the most similar members, with
 * their scores when opts->withscores (rsdk_scored_at; free with
 * rsdk_scored_deinit). */
RSDK_API rsdk_status rvset_sim_floats(rsdk_client *c, rsdk_str key, const float *v, size_t dim,
                                      const rvset_sim_opts *opts, rsdk_scored *out);

/* VGETATTR key element as JSON: *out is a new reference, NULL when the
 * element has no attributes or does not exist. Text that is not JSON is
 * RSDK_ERR_PROTOCOL with the position. */
RSDK_API rsdk_status rvset_getattr_json(rsdk_client *c, rsdk_str key, rsdk_str element, json_t **out);

/* VSETATTR key element <attrs serialised compactly>: *set (may be NULL) is
 * false when the element does not exist. */
RSDK_API rsdk_status rvset_setattr_json(rsdk_client *c, rsdk_str key, rsdk_str element, const json_t *attrs,
                                        bool *set);

#ifdef RVSET_STRING_MACROS
#define rvset_add_floats(c, key, element, ...) \
    (rvset_add_floats)((c), RSDK_S(key), RSDK_S(element), __VA_ARGS__)
#define rvset_sim_floats(c, key, ...) (rvset_sim_floats)((c), RSDK_S(key), __VA_ARGS__)
#define rvset_getattr_json(c, key, element, out) (rvset_getattr_json)((c), RSDK_S(key), RSDK_S(element), (out))
#define rvset_setattr_json(c, key, element, ...) \
    (rvset_setattr_json)((c), RSDK_S(key), RSDK_S(element), __VA_ARGS__)
#endif

#ifdef __cplusplus
}
#endif

#endif
