/* JSON.SET with a json_t: the command is encoded by the generated
 * rjson_set_str_encode with an empty value, and the value's bulk string is
 * then filled by serialising the json_t straight into the buffer, after
 * room for the length header. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rsdk/gen.h"
#include "rsdk/json_value.h"

/* Room left for the value's "$<len>\r\n" header while the text is written
 * after it; the header is then put in front and the text moved back. */
enum { HEADER_ROOM = 24, TAIL_MAX = 64 };

#define DUMP_FLAGS (JSON_COMPACT | JSON_ENCODE_ANY)

/* Room reserved for the text before Jansson starts: most documents fit, so
 * the buffer grows at most a few times while Jansson writes. */
enum { TEXT_HINT = 2048 };

/* Jansson's output, piece by piece, appended to the buffer. */
static int append_cb(const char *p, size_t n, void *ud) {
    rsdk_buf *b = ud;
    if (b->cap - b->len < n && rsdk_buf_reserve(b, n < TEXT_HINT ? TEXT_HINT : n) != RSDK_OK) return -1;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

/* The offset just past one RESP element starting at `pos`: an array header
 * ("*3\r\n") or a bulk string ("$3\r\nabc\r\n"); SIZE_MAX when it is neither. */
static size_t skip(const rsdk_buf *b, size_t pos) {
    if (pos >= b->len || (b->data[pos] != '*' && b->data[pos] != '$')) return SIZE_MAX;
    size_t n = 0, i = pos + 1;
    for (; i < b->len && b->data[i] >= '0' && b->data[i] <= '9'; i++) n = n * 10 + (size_t)(b->data[i] - '0');
    i += 2; /* \r\n */
    return b->data[pos] == '*' ? i : i + n + 2;
}

rsdk_status(rjson_set_encode)(rsdk_buf *out, rsdk_str key, rsdk_str path, const json_t *value,
                              const rjson_set_str_opts *opts, rsdk_error *err) {
    if (value == NULL) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "JSON.SET: value: NULL json_t");
    size_t start = out != NULL ? out->len : 0;
    rsdk_status st = (rjson_set_str_encode)(out, key, path, rsdk_str_n("", 0), opts, err);
    if (st != RSDK_OK) return st;
    /* *N, JSON.SET, key, path: then the empty value "$0\r\n\r\n" and the options */
    size_t pos = start;
    for (int i = 0; i < 4 && pos != SIZE_MAX; i++) pos = skip(out, pos);
    size_t tail_len = pos <= out->len - 6 ? out->len - (pos + 6) : SIZE_MAX;
    if (tail_len > TAIL_MAX || memcmp(out->data + pos, "$0\r\n\r\n", 6) != 0) {
        out->len = start;
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "JSON.SET: unexpected encoding");
    }
    char tail[TAIL_MAX];
    memcpy(tail, out->data + pos + 6, tail_len);
    out->len = pos;
    if (rsdk_buf_reserve(out, HEADER_ROOM + TEXT_HINT) != RSDK_OK) {
        out->len = start;
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "JSON.SET: out of memory");
    }
    out->len += HEADER_ROOM;
    size_t text = out->len;
    if (json_dump_callback(value, append_cb, out, DUMP_FLAGS) != 0) {
        rsdk_status why = out->failed != RSDK_OK ? out->failed : RSDK_ERR_INVALID_ARG;
        out->len = start;
        return rsdk_error_set(err, why, 0, why == RSDK_ERR_INVALID_ARG ? "JSON.SET: value: cannot be serialised"
                                                                       : "JSON.SET: out of memory");
    }
    size_t n = out->len - text;
    char hdr[HEADER_ROOM];
    int h = snprintf(hdr, sizeof hdr, "$%zu\r\n", n);
    memmove(out->data + pos + (size_t)h, out->data + text, n);
    memcpy(out->data + pos, hdr, (size_t)h);
    out->len = pos + (size_t)h + n;
    rsdk_buf_append(out, "\r\n", 2);
    if (rsdk_buf_append(out, tail, tail_len) != RSDK_OK) {
        out->len = start;
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "JSON.SET: out of memory");
    }
    return RSDK_OK;
}

rsdk_status(rjson_set)(rsdk_client *c, rsdk_str key, rsdk_str path, const json_t *value,
                       const rjson_set_str_opts *opts, bool *applied) {
    rsdk_gen_call k;
    rsdk_gen_call_init(&k, c);
    rsdk_reply *r = NULL;
    rsdk_status st = rsdk_gen_call_run(&k, (rjson_set_encode)(&k.buf, key, path, value, opts, &k.err), &r);
    if (st != RSDK_OK) return st;
    rsdk_string s;
    st = rjson_set_str_decode(r, &s, &k.err);
    if (st == RSDK_OK && applied != NULL) *applied = !s.nil;
    rsdk_reply_free(r);
    return st == RSDK_OK ? st : rsdk_client_set_error(c, &k.err);
}

rsdk_status(rjson_set_queue)(rsdk_pipeline *p, rsdk_str key, rsdk_str path, const json_t *value,
                             const rjson_set_str_opts *opts, rsdk_error *err) {
    rsdk_status st = (rjson_set_encode)(rsdk_gen_queue_buf(p), key, path, value, opts, err);
    return rsdk_gen_queue_done(p, st, err, "JSON.SET");
}
