/* Encoder helpers for generated command walks: a counting pass that checks
 * every argument, then a writing pass. See rsdk/gen.h. */
#include <inttypes.h>
#include <math.h>

#include "rsdk/gen.h"
#include "rsdk/writer.h"

void rsdk_gen_enc_init(rsdk_gen_enc *e, rsdk_buf *out, rsdk_error *err, const char *command) {
    e->out = out;
    e->err = err;
    e->command = command;
    e->argc = 0;
    e->start = out ? out->len : 0;
    e->writing = false;
    e->status = RSDK_OK;
    if (!out)
        e->status = rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "%s: NULL output buffer", command);
    else if (out->failed)
        e->status = rsdk_error_set(err, out->failed, 0, "%s: the output buffer already failed",
                                   command);
}

bool rsdk_gen_enc_write(rsdk_gen_enc *e) {
    if (e->status != RSDK_OK) return false;
    e->writing = true;
    e->status = rsdk_write_array(e->out, e->argc);
    return e->status == RSDK_OK;
}

rsdk_status rsdk_gen_enc_finish(rsdk_gen_enc *e) {
    if (e->status == RSDK_OK && e->writing) e->status = e->out->failed;
    if (e->status != RSDK_OK && e->writing) {
        /* Drop the partial command; the buffer was healthy when we began
         * (rsdk_gen_enc_init checked), so clearing the sticky error restores
         * exactly the state before this encode. */
        e->out->len = e->start;
        e->out->failed = RSDK_OK;
        if (e->status == RSDK_ERR_NOMEM) rsdk_error_set(e->err, RSDK_ERR_NOMEM, 0, NULL);
    }
    return e->status;
}

void rsdk_gen_bad(rsdk_gen_enc *e, const char *arg, const char *what) {
    if (e->status != RSDK_OK) return;
    e->status = rsdk_error_set(e->err, RSDK_ERR_INVALID_ARG, 0, "%s: %s: %s", e->command, arg, what);
}

void rsdk_gen_tok(rsdk_gen_enc *e, const char *tok, size_t len) {
    if (e->status != RSDK_OK) return;
    if (!e->writing) {
        e->argc++;
        return;
    }
    rsdk_write_arg(e->out, tok, len); /* sticky; checked in finish */
}

void rsdk_gen_str(rsdk_gen_enc *e, rsdk_str s, const char *arg) {
    if (e->status != RSDK_OK) return;
    if (!e->writing) {
        if (s.ptr == NULL && s.len > 0) {
            rsdk_gen_bad(e, arg, "NULL pointer with non-zero length");
            return;
        }
        e->argc++;
        return;
    }
    rsdk_write_arg(e->out, s.ptr ? s.ptr : "", s.len);
}

void rsdk_gen_int(rsdk_gen_enc *e, int64_t v) {
    if (e->status != RSDK_OK) return;
    if (!e->writing) {
        e->argc++;
        return;
    }
    rsdk_write_int(e->out, v);
}

void rsdk_gen_uint(rsdk_gen_enc *e, uint64_t v) {
    if (e->status != RSDK_OK) return;
    if (!e->writing) {
        e->argc++;
        return;
    }
    char t[24];
    size_t n = sizeof t;
    do { /* digits from the right: no printf on the hot path */
        t[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    rsdk_write_arg(e->out, t + n, sizeof t - n);
}

void rsdk_gen_double(rsdk_gen_enc *e, double v) {
    if (e->status != RSDK_OK) return;
    if (!e->writing) {
        e->argc++;
        return;
    }
    rsdk_write_double(e->out, v);
}

void rsdk_gen_double_checked(rsdk_gen_enc *e, double v, bool allow_inf, const char *arg) {
    if (isnan(v))
        rsdk_gen_bad(e, arg, "NaN is not accepted here");
    else if (!allow_inf && isinf(v))
        rsdk_gen_bad(e, arg, "needs a finite number (not inf or -inf)");
    else
        rsdk_gen_double(e, v);
}

void rsdk_gen_count(rsdk_gen_enc *e, size_t n, const char *arg) {
    if (e->status != RSDK_OK) return;
    if (!e->writing && n > (size_t)INT64_MAX) {
        rsdk_gen_bad(e, arg, "count does not fit in a 64-bit integer");
        return;
    }
    rsdk_gen_int(e, (int64_t)n);
}

bool rsdk_gen_array(rsdk_gen_enc *e, const void *arr, size_t n, bool required, const char *arg) {
    if (e->status != RSDK_OK) return false;
    if (!e->writing) {
        if (arr == NULL && n > 0) {
            rsdk_gen_bad(e, arg, "NULL array with non-zero count");
            return false;
        }
        if (required && n == 0) {
            rsdk_gen_bad(e, arg, "needs at least one element");
            return false;
        }
    }
    return n > 0;
}

void rsdk_gen_same_count(rsdk_gen_enc *e, size_t n, size_t want, bool optional, const char *arg,
                         const char *other) {
    if (e->status != RSDK_OK || e->writing) return;
    if (n == want || (optional && n == 0)) return;
    e->status = rsdk_error_set(e->err, RSDK_ERR_INVALID_ARG, 0,
                               "%s: %s: %zu elements, but %s has %zu", e->command, arg, n, other,
                               want);
}
