/* Wiped byte buffers, form encoding and base64url. */
#include <string.h>
#include <time.h>

#include "runtime/src/base/alloc.h"
#include "entra.h"

rsdk_status rentra__buf_add(rentra__buf *b, const void *p, size_t n) {
    if (n > SIZE_MAX - 1 - b->len) return RSDK_ERR_NOMEM;
    size_t need = b->len + n + 1;
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
        /* No realloc: the old block is wiped, not left behind with a secret. */
        char *q = rsdk__malloc(cap);
        if (!q) return RSDK_ERR_NOMEM;
        if (b->len) memcpy(q, b->p, b->len);
        if (b->p) {
            rsdk__wipe(b->p, b->cap);
            rsdk__free(b->p);
        }
        b->p = q;
        b->cap = cap;
    }
    if (n) memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = '\0';
    return RSDK_OK;
}

rsdk_status rentra__buf_adds(rentra__buf *b, const char *s) {
    return rentra__buf_add(b, s, strlen(s));
}

rsdk_status rentra__buf_add_encoded(rentra__buf *b, const char *s) {
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        bool keep = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' || ch == '~';
        char esc[3] = {'%', hex[ch >> 4], hex[ch & 15]};
        rsdk_status st = keep ? rentra__buf_add(b, s, 1) : rentra__buf_add(b, esc, 3);
        if (st) return st;
    }
    return RSDK_OK;
}

rsdk_status rentra__buf_add_param(rentra__buf *b, const char *name, const char *value) {
    rsdk_status st = RSDK_OK;
    if (b->len && b->p[b->len - 1] != '?') st = rentra__buf_adds(b, "&");
    if (!st) st = rentra__buf_adds(b, name);
    if (!st) st = rentra__buf_adds(b, "=");
    return st ? st : rentra__buf_add_encoded(b, value);
}

static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

rsdk_status rentra__buf_add_b64url(rentra__buf *b, const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n) v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n) v |= p[i + 2];
        char q[4] = {B64URL[(v >> 18) & 63], B64URL[(v >> 12) & 63], B64URL[(v >> 6) & 63],
                     B64URL[v & 63]};
        size_t keep = n - i >= 3 ? 4 : n - i + 1;
        rsdk_status st = rentra__buf_add(b, q, keep);
        if (st) return st;
    }
    return RSDK_OK;
}

static int b64url_value(char ch) {
    const char *at = ch ? strchr(B64URL, ch) : NULL;
    return at ? (int)(at - B64URL) : -1;
}

rsdk_status rentra__b64url_decode(const char *s, size_t n, rentra__buf *out) {
    while (n && s[n - 1] == '=') n--;
    if (n % 4 == 1) return RSDK_ERR_CREDENTIALS;
    rsdk_status st = rentra__buf_add(out, "", 0); /* an empty input is an empty value */
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n && !st; i++) {
        int v = b64url_value(s[i]);
        if (v < 0) return RSDK_ERR_CREDENTIALS;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            unsigned char byte = (unsigned char)(acc >> bits);
            st = rentra__buf_add(out, &byte, 1);
        }
    }
    return st;
}

void rentra__buf_free(rentra__buf *b) {
    if (!b) return;
    if (b->p) {
        rsdk__wipe(b->p, b->cap);
        rsdk__free(b->p);
    }
    memset(b, 0, sizeof *b);
}

bool rentra__dup(const char *s, char **out) {
    *out = NULL;
    if (!s) return true;
    *out = rsdk__strdup(s);
    return *out != NULL;
}

void rentra__free_secret(char *s) {
    if (!s) return;
    rsdk__wipe(s, strlen(s));
    rsdk__free(s);
}

int64_t rentra__wall_ms(void) {
    struct timespec ts = {0, 0};
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
