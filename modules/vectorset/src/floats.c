/* Float vectors for VADD and VSIM: checked, then sent as the FP32 blob
 * (little-endian float32) through the generated calls. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rsdk/vectorset_floats.h"

/* Records an argument error in the client, as the generated calls do. */
static rsdk_status refuse(rsdk_client *c, const char *command, const char *arg, const char *what) {
    rsdk_error e;
    rsdk_error_set(&e, RSDK_ERR_INVALID_ARG, 0, "%s: %s: %s", command, arg, what);
    return c != NULL ? rsdk_client_set_error(c, &e) : RSDK_ERR_INVALID_ARG;
}

/* The vector as an FP32 blob in *blob: the array itself on little-endian
 * hosts (*copy NULL), else a byte-swapped copy the caller frees (*copy). */
static rsdk_status to_blob(rsdk_client *c, const char *command, const float *v, size_t dim, rsdk_str *blob,
                           void **copy) {
    *copy = NULL;
    if (v == NULL || dim == 0) return refuse(c, command, "v", v == NULL ? "NULL vector" : "empty vector");
    if (dim > SIZE_MAX / sizeof(float)) return refuse(c, command, "dim", "too large");
    for (size_t i = 0; i < dim; i++)
        if (!isfinite(v[i])) return refuse(c, command, "v[]", "not a finite number");
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    *blob = rsdk_str_n(v, dim * sizeof(float));
#else
    unsigned char *b = malloc(dim * sizeof(float));
    if (b == NULL) return refuse(c, command, "v", "out of memory");
    for (size_t i = 0; i < dim; i++) {
        uint32_t u;
        memcpy(&u, &v[i], 4);
        for (int k = 0; k < 4; k++) b[4 * i + (size_t)k] = (unsigned char)(u >> (8 * k));
    }
    *copy = b;
    *blob = rsdk_str_n(b, dim * sizeof(float));
#endif
    return RSDK_OK;
}

rsdk_status(rvset_add_floats)(rsdk_client *c, rsdk_str key, rsdk_str element, const float *v, size_t dim,
                              const rvset_add_opts *opts, bool *added) {
    if (opts != NULL && opts->has_reduce && (opts->reduce <= 0 || (uint64_t)opts->reduce >= dim))
        return refuse(c, "VADD", "reduce", "must be at least 1 and below the vector's dimension");
    rsdk_str blob;
    void *copy;
    rsdk_status st = to_blob(c, "VADD", v, dim, &blob, &copy);
    if (st != RSDK_OK) return st;
    rvset_add_vector vec = {.kind = RVSET_ADD_VECTOR_FP32, .fp32 = blob};
    st = (rvset_add)(c, key, vec, element, opts, added);
    free(copy);
    return st;
}

rsdk_status(rvset_sim_floats)(rsdk_client *c, rsdk_str key, const float *v, size_t dim,
                              const rvset_sim_opts *opts, rsdk_scored *out) {
    rsdk_str blob;
    void *copy;
    rsdk_status st = to_blob(c, "VSIM", v, dim, &blob, &copy);
    if (st != RSDK_OK) return st;
    rvset_sim_query q = {.kind = RVSET_SIM_QUERY_FP32, .fp32 = blob};
    st = (rvset_sim)(c, key, q, opts, out);
    free(copy);
    return st;
}
