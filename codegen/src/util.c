/* Arena, text building and diagnostics for rsdkgen. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rsdkgen.h"

/* ---- arena ------------------------------------------------------------------ */

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    max_align_t data[];
} chunk;

static chunk *arena;

static void out_of_memory(void) {
    fputs("rsdkgen: out of memory\n", stderr);
    exit(2);
}

void *gen_alloc(size_t n) {
    size_t align = sizeof(max_align_t);
    if (n > SIZE_MAX - align) out_of_memory();
    n = (n + align - 1) / align * align;
    if (arena == NULL || arena->cap - arena->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        chunk *c = malloc(sizeof *c + cap);
        if (c == NULL) out_of_memory();
        c->next = arena;
        c->used = 0;
        c->cap = cap;
        arena = c;
    }
    void *p = (char *)arena->data + arena->used;
    arena->used += n;
    memset(p, 0, n);
    return p;
}

void gen_arena_free(void) {
    while (arena != NULL) {
        chunk *n = arena->next;
        free(arena);
        arena = n;
    }
}

char *gen_strdup(const char *s) {
    size_t n = strlen(s);
    char *d = gen_alloc(n + 1);
    memcpy(d, s, n + 1);
    return d;
}

char *gen_printf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) out_of_memory();
    char *d = gen_alloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(d, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return d;
}

char *gen_upper(const char *s) {
    char *d = gen_strdup(s);
    for (char *p = d; *p; p++) *p = (char)toupper((unsigned char)*p);
    return d;
}

char *gen_lower(const char *s) {
    char *d = gen_strdup(s);
    for (char *p = d; *p; p++) *p = (char)tolower((unsigned char)*p);
    return d;
}

char *gen_c_literal(const char *s) {
    sb b = {0};
    sb_put(&b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            char t[3] = {'\\', (char)*p, 0};
            sb_put(&b, t);
        } else if (*p < 0x20 || *p >= 0x7f) {
            sb_printf(&b, "\\%03o", *p);
        } else {
            sb_putn(&b, (const char *)p, 1);
        }
    }
    sb_put(&b, "\"");
    char *r = gen_strdup(b.data);
    sb_free(&b);
    return r;
}

/* ---- text -------------------------------------------------------------------- */

void sb_putn(sb *b, const char *s, size_t n) {
    if (n >= SIZE_MAX - b->len - 1) out_of_memory();
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1) {
            if (cap > SIZE_MAX / 2) out_of_memory();
            cap *= 2;
        }
        char *d = realloc(b->data, cap);
        if (d == NULL) out_of_memory();
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void sb_put(sb *b, const char *s) { sb_putn(b, s, strlen(s)); }

void sb_printf(sb *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) out_of_memory();
    sb_putn(b, "", 0); /* make sure data exists */
    if ((size_t)n >= SIZE_MAX - b->len - 1) out_of_memory();
    if (b->len + (size_t)n + 1 > b->cap) {
        size_t cap = b->cap;
        while (cap < b->len + (size_t)n + 1) cap *= 2;
        char *d = realloc(b->data, cap);
        if (d == NULL) out_of_memory();
        b->data = d;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void sb_free(sb *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

bool sb_write_file(const sb *b, const char *path) {
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        fprintf(stderr, "rsdkgen: cannot write %s: %s\n", path, strerror(errno));
        return false;
    }
    bool ok = fwrite(b->data ? b->data : "", 1, b->len, f) == b->len;
    if (fclose(f) != 0) ok = false;
    if (!ok) fprintf(stderr, "rsdkgen: cannot write %s: %s\n", path, strerror(errno));
    return ok;
}

/* ---- diagnostics ----------------------------------------------------------- */

static int nerrors;

static void put_arg_path(const arg *a) {
    if (a->parent != NULL) {
        put_arg_path(a->parent);
        fputc('/', stderr);
    }
    fputs(a->name ? a->name : "?", stderr);
}

void gen_error(const char *file, const command *c, const arg *a, const char *fmt, ...) {
    nerrors++;
    fputs(file ? file : "rsdkgen", stderr);
    if (c != NULL) fprintf(stderr, ":%s", c->name ? c->name : "?");
    if (a != NULL) {
        fputc(':', stderr);
        put_arg_path(a);
    }
    fputs(": ", stderr);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int gen_error_count(void) { return nerrors; }
