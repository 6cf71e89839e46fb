/* Bytes in and out of the cluster layer: encoded commands read back into
 * argument views (to find their name and keys), and replies written as RESP3
 * so that several nodes' answers can be put together into one tree by the
 * ordinary reader (one arena, freed with rsdk_reply_free like any reply). */
#include <stdio.h>
#include <strings.h>

#include "alloc.h"
#include "cluster_types.h"
#include "rsdk/reader.h"
#include "rsdk/writer.h"

/* Reads "<digits>\r\n" at data[*pos]; false when malformed. At most 18
 * digits, so the value cannot overflow. */
static inline bool read_len(const char *data, size_t len, size_t *pos, size_t *out) {
    size_t v = 0, i = *pos;
    /* Most lengths in a command are one or two digits. */
    if (i + 4 <= len) {
        unsigned a = (unsigned char)(data[i] - '0'), b = (unsigned char)(data[i + 1] - '0');
        if (a <= 9 && data[i + 1] == '\r' && data[i + 2] == '\n') {
            *pos = i + 3;
            *out = a;
            return true;
        }
        if (a <= 9 && b <= 9 && data[i + 2] == '\r' && data[i + 3] == '\n') {
            *pos = i + 4;
            *out = a * 10 + b;
            return true;
        }
    }
    while (i < len && (unsigned char)(data[i] - '0') <= 9) v = v * 10 + (size_t)(data[i++] - '0');
    size_t digits = i - *pos;
    if (digits == 0 || digits > 18 || i + 1 >= len || data[i] != '\r' || data[i + 1] != '\n') return false;
    *pos = i + 2;
    *out = v;
    return true;
}

bool rsdk__ccmd_parse(const char *data, size_t len, size_t *pos, rsdk__ccmd *cmd,
                      rsdk_status *why) {
    size_t i = *pos, n;
    cmd->argv = cmd->inline_argv;
    cmd->argc = 0;
    *why = RSDK_ERR_INVALID_ARG;
    if (i >= len || data[i] != '*') return false;
    i++;
    if (!read_len(data, len, &i, &n) || n == 0 || n > len) return false;
    if (n > RSDK__MAX_ARGS_INLINE) {
        cmd->argv = rsdk__malloc(n * sizeof *cmd->argv);
        if (cmd->argv == NULL) {
            cmd->argv = cmd->inline_argv;
            *why = RSDK_ERR_NOMEM;
            return false;
        }
    }
    for (size_t a = 0; a < n; a++) {
        size_t alen;
        if (i >= len || data[i] != '$') goto bad;
        i++;
        if (!read_len(data, len, &i, &alen) || alen > len - i || len - i - alen < 2) goto bad;
        cmd->argv[a].p = data + i;
        cmd->argv[a].len = alen;
        i += alen;
        if (data[i] != '\r' || data[i + 1] != '\n') goto bad;
        i += 2;
    }
    cmd->data = data + *pos;
    cmd->len = i - *pos;
    cmd->argc = n;
    *pos = i;
    *why = RSDK_OK;
    return true;
bad:
    rsdk__ccmd_deinit(cmd);
    return false;
}

void rsdk__ccmd_deinit(rsdk__ccmd *cmd) {
    if (cmd->argv != cmd->inline_argv) rsdk__free(cmd->argv);
    cmd->argv = cmd->inline_argv;
    cmd->argc = 0;
}

static void put_line(rsdk_buf *b, char type, const char *p, size_t n) {
    rsdk_buf_append(b, &type, 1);
    rsdk_buf_append(b, p, n);
    rsdk_buf_append(b, "\r\n", 2);
}

static void put_len(rsdk_buf *b, char type, size_t n) {
    char num[24];
    size_t k = rsdk_format_int(num, (int64_t)n);
    put_line(b, type, num, k);
}

/* A simple line may not hold CR or LF; such text goes as a blob instead. */
static bool line_safe(const char *p, size_t n) {
    return memchr(p, '\r', n) == NULL && memchr(p, '\n', n) == NULL;
}

rsdk_status rsdk__reply_write(rsdk_buf *b, const rsdk_reply *r) {
    char num[32];
    size_t k;
    switch (r->type) {
    case RSDK_REPLY_STRING:
        put_len(b, '$', r->len);
        rsdk_buf_append(b, r->str, r->len);
        rsdk_buf_append(b, "\r\n", 2);
        break;
    case RSDK_REPLY_STATUS:
    case RSDK_REPLY_ERROR:
        if (line_safe(r->str, r->len)) {
            put_line(b, r->type == RSDK_REPLY_STATUS ? '+' : '-', r->str, r->len);
        } else {
            put_len(b, r->type == RSDK_REPLY_STATUS ? '$' : '!', r->len);
            rsdk_buf_append(b, r->str, r->len);
            rsdk_buf_append(b, "\r\n", 2);
        }
        break;
    case RSDK_REPLY_INTEGER:
        k = rsdk_format_int(num, r->integer);
        put_line(b, ':', num, k);
        break;
    case RSDK_REPLY_DOUBLE: put_line(b, ',', r->str, r->len); break;
    case RSDK_REPLY_BIGNUM: put_line(b, '(', r->str, r->len); break;
    case RSDK_REPLY_NIL: rsdk_buf_append(b, "_\r\n", 3); break;
    case RSDK_REPLY_BOOL: rsdk_buf_append(b, r->integer ? "#t\r\n" : "#f\r\n", 4); break;
    case RSDK_REPLY_VERB:
        put_len(b, '=', r->len + 4);
        rsdk_buf_append(b, r->vtype, 3);
        rsdk_buf_append(b, ":", 1);
        rsdk_buf_append(b, r->str, r->len);
        rsdk_buf_append(b, "\r\n", 2);
        break;
    case RSDK_REPLY_ARRAY:
    case RSDK_REPLY_SET:
    case RSDK_REPLY_PUSH:
    case RSDK_REPLY_MAP: {
        char t = r->type == RSDK_REPLY_ARRAY ? '*' : r->type == RSDK_REPLY_SET ? '~'
                 : r->type == RSDK_REPLY_PUSH ? '>' : '%';
        put_len(b, t, r->type == RSDK_REPLY_MAP ? r->elements / 2 : r->elements);
        for (size_t i = 0; i < r->elements; i++) rsdk__reply_write(b, &r->element[i]);
        break;
    }
    }
    return b->failed;
}

rsdk_status rsdk__reply_from_bytes(const rsdk_buf *b, rsdk_reply **out) {
    if (b->failed) return b->failed;
    rsdk_reader_limits lim;
    rsdk_reader_limits_init(&lim);
    /* The bytes are the servers' replies put together: no limit the
     * connections did not already apply, beyond what the sizes need. */
    lim.max_reply_bytes = SIZE_MAX / 4;
    lim.max_elements = SIZE_MAX / 64;
    rsdk_reader *rd = NULL;
    rsdk_status st = rsdk_reader_new(&lim, &rd);
    if (st != RSDK_OK) return st;
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_reader_feed(rd, b->data, b->len);
    if (s == RSDK_OK) s = rsdk_reader_get(rd, &r);
    rsdk_reader_free(rd);
    if (s == RSDK_OK && r == NULL) s = RSDK_ERR_PROTOCOL;
    if (s != RSDK_OK) return s;
    *out = r;
    return RSDK_OK;
}

rsdk_status rsdk__reply_error(const char *text, rsdk_reply **out) {
    rsdk_buf b;
    rsdk_buf_init(&b);
    size_t n = strlen(text);
    put_len(&b, '!', n);
    rsdk_buf_append(&b, text, n);
    rsdk_buf_append(&b, "\r\n", 2);
    rsdk_status s = rsdk__reply_from_bytes(&b, out);
    rsdk_buf_deinit(&b);
    return s;
}

bool rsdk__ccmd_named(const rsdk__ccmd *c, const char *name) {
    size_t n = strlen(name);
    return c->argv[0].len == n && strncasecmp(c->argv[0].p, name, n) == 0;
}

bool rsdk__ccmd_session(const rsdk__ccmd *c) {
    static const char *const names[] = {"MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (rsdk__ccmd_named(c, names[i])) return true;
    return false;
}
