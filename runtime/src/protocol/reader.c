/* Reply reader: the input buffer and the public API. Parsing is split in
 * two passes (reader_scan.c validates and measures, reader_build.c fills
 * one exactly-sized arena), so a reply costs one allocation however many
 * nodes it has, and no allocation is made from a length the server
 * declared before the bytes behind it arrived. */
#include "rsdk/reader.h"

#include "alloc.h"
#include "reader_build.h"
#include "reader_fast.h"
#include "reader_scan.h"
#include "reader_spare.h"
#include "reader_state.h"

#define DEFAULT_BULK ((size_t)512 * 1024 * 1024)
#define DEFAULT_ELEMENTS ((size_t)1 << 27)
#define DEFAULT_DEPTH 128u
#define HARD_DEPTH 1024u
#define DEFAULT_REPLY ((size_t)1024 * 1024 * 1024)
#define DEFAULT_LINE ((size_t)64 * 1024)

#define MIN_READ ((size_t)16 * 1024)
/* An empty input buffer larger than this is released, so one huge reply
 * does not pin its memory for the life of the connection. */
#define KEEP_IDLE ((size_t)256 * 1024)

void rsdk_reader_limits_init(rsdk_reader_limits *l) {
    l->max_bulk_bytes = DEFAULT_BULK;
    l->max_elements = DEFAULT_ELEMENTS;
    l->max_depth = DEFAULT_DEPTH;
    l->max_reply_bytes = DEFAULT_REPLY;
    l->max_line_bytes = DEFAULT_LINE;
}

/* Zero means default; sizes are capped so that length + CRLF sums and
 * pair counts can never overflow. */
static void limits_fix(rsdk_reader_limits *l) {
    rsdk_reader_limits d;
    rsdk_reader_limits_init(&d);
    if (!l->max_bulk_bytes) l->max_bulk_bytes = d.max_bulk_bytes;
    if (!l->max_elements) l->max_elements = d.max_elements;
    if (!l->max_depth) l->max_depth = d.max_depth;
    if (!l->max_reply_bytes) l->max_reply_bytes = d.max_reply_bytes;
    if (!l->max_line_bytes) l->max_line_bytes = d.max_line_bytes;
    if (l->max_depth > HARD_DEPTH) l->max_depth = HARD_DEPTH;
    if (l->max_bulk_bytes > SIZE_MAX / 4) l->max_bulk_bytes = SIZE_MAX / 4;
    if (l->max_elements > SIZE_MAX / 4) l->max_elements = SIZE_MAX / 4;
    if (l->max_reply_bytes > SIZE_MAX / 4) l->max_reply_bytes = SIZE_MAX / 4;
    if (l->max_line_bytes > SIZE_MAX / 4) l->max_line_bytes = SIZE_MAX / 4;
}

static void scan_reset(rsdk_reader *r) {
    r->pos = r->start;
    r->cr_from = 0;
    r->nodes = 0;
    r->strbytes = 0;
    r->top = 0;
    r->complete = false;
    r->stack[0].remaining = 1;
}

rsdk_status rsdk_reader_new(const rsdk_reader_limits *limits, rsdk_reader **out) {
    if (!out) return RSDK_ERR_INVALID_ARG;
    rsdk_reader_limits l;
    if (limits) l = *limits;
    else memset(&l, 0, sizeof l);
    limits_fix(&l);
    /* The reader and its frame stack are one allocation. */
    size_t frames = (size_t)l.max_depth + 1;
    rsdk_reader *r = rsdk__malloc(sizeof *r + frames * sizeof(rsdk__rframe));
    if (!r) return RSDK_ERR_NOMEM;
    memset(r, 0, sizeof *r);
    r->lim = l;
    r->stack = (rsdk__rframe *)(void *)(r + 1);
    rsdk_error_clear(&r->err);
    scan_reset(r);
    *out = r;
    return RSDK_OK;
}

void rsdk_reader_free(rsdk_reader *r) {
    if (!r) return;
    rsdk__reader_spares_free(r);
    rsdk__free(r->buf);
    rsdk__free(r);
}

/* Moves the unreturned bytes to the front of the buffer. */
static void compact(rsdk_reader *r) {
    size_t s = r->start;
    if (!s) return;
    size_t keep = r->len - s;
    if (keep) memmove(r->buf, r->buf + s, keep);
    r->base += s;
    r->len = keep;
    r->pos -= s;
    r->cr_from = r->cr_from > s ? r->cr_from - s : 0;
    r->start = 0;
}

/* Makes room for `want` more bytes at the end: compacting first (cheap:
 * only the partial reply moves), growing by doubling if still short. */
static rsdk_status reserve(rsdk_reader *r, size_t want) {
    if (r->cap - r->len >= want) return RSDK_OK;
    compact(r);
    if (r->cap - r->len >= want) return RSDK_OK;
    if (want > SIZE_MAX / 2 - r->len) return RSDK_ERR_NOMEM;
    size_t need = r->len + want;
    size_t cap = r->cap > MIN_READ ? r->cap : MIN_READ;
    while (cap < need) cap *= 2;
    char *nb = rsdk__realloc(r->buf, cap);
    if (!nb) return RSDK_ERR_NOMEM;
    r->buf = nb;
    r->cap = cap;
    return RSDK_OK;
}

rsdk_status rsdk_reader_feed(rsdk_reader *r, const char *buf, size_t len) {
    if (!r) return RSDK_ERR_INVALID_ARG;
    if (r->dead) return RSDK_ERR_PROTOCOL;
    if (!len) return RSDK_OK;
    if (!buf) return RSDK_ERR_INVALID_ARG;
    rsdk_status s = reserve(r, len);
    if (s) return s;
    memcpy(r->buf + r->len, buf, len);
    r->len += len;
    return RSDK_OK;
}

rsdk_status rsdk_reader_space(rsdk_reader *r, size_t want, char **area, size_t *avail) {
    if (!r || !area || !avail) return RSDK_ERR_INVALID_ARG;
    if (r->dead) return RSDK_ERR_PROTOCOL;
    if (!want) want = MIN_READ;
    rsdk_status s = reserve(r, want);
    if (s) return s;
    *area = r->buf + r->len;
    *avail = r->cap - r->len;
    return RSDK_OK;
}

void rsdk_reader_commit(rsdk_reader *r, size_t n) {
    if (!r) return;
    /* More than was handed out cannot have been written there. */
    if (n > r->cap - r->len) n = r->cap - r->len;
    r->len += n;
}

rsdk_status rsdk_reader_get(rsdk_reader *r, rsdk_reply **out) {
    if (!r || !out) return RSDK_ERR_INVALID_ARG;
    if (r->dead) return RSDK_ERR_PROTOCOL;
    if (r->start == r->len) { /* nothing buffered: what a sync call asks first */
        *out = NULL;
        return RSDK_OK;
    }
    rsdk_reply *reply = NULL;
    int rc = r->complete ? 0 : rsdk__reader_fast(r, &reply);
    if (rc < 0) return RSDK_ERR_NOMEM;
    if (rc == 0) {
        rc = rsdk__reader_scan(r);
        if (rc < 0) return RSDK_ERR_PROTOCOL;
        if (rc == 0) {
            *out = NULL;
            return RSDK_OK;
        }
        /* On no memory the scan result stays, so a later call retries. */
        reply = rsdk__reader_build(r);
        if (!reply) return RSDK_ERR_NOMEM;
    }
    r->start = r->pos;
    if (r->start == r->len) {
        /* Everything consumed: rewind for free instead of moving bytes. */
        r->base += r->len;
        r->start = r->len = 0;
        if (r->cap > KEEP_IDLE) {
            rsdk__free(r->buf);
            r->buf = NULL;
            r->cap = 0;
        }
    }
    scan_reset(r);
    *out = reply;
    return RSDK_OK;
}

const rsdk_error *rsdk_reader_error(const rsdk_reader *r) {
    static const rsdk_error none = {RSDK_OK, 0, "", ""};
    return r ? &r->err : &none;
}

size_t rsdk_reader_pending(const rsdk_reader *r) { return r ? r->len - r->start : 0; }
