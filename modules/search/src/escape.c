/* Escaping user input for the query syntax. */
#include "rsdk/search_query.h"

/* Copied as they are: letters, digits, '_' and the bytes of multi-byte
 * UTF-8 characters (never syntax). Everything else is punctuation or space
 * the parser may give a meaning to, so it gets a backslash. */
static bool plain(unsigned char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch >= 0x80;
}

static rsdk_status escape(rsdk_buf *out, rsdk_str v, bool keep_spaces) {
    if (out == NULL || (v.ptr == NULL && v.len > 0)) return RSDK_ERR_INVALID_ARG;
    if (out->failed) return out->failed;
    size_t start = out->len;
    for (size_t i = 0; i < v.len; i++) {
        unsigned char ch = (unsigned char)v.ptr[i];
        bool sep = keep_spaces && (ch == ' ' || ch == '\t');
        if (!plain(ch) && !sep && rsdk_buf_append(out, "\\", 1) != RSDK_OK) break;
        if (rsdk_buf_append(out, &v.ptr[i], 1) != RSDK_OK) break;
    }
    if (out->failed) out->len = start;
    return out->failed;
}

rsdk_status rsearch_escape_tag(rsdk_buf *out, rsdk_str value) { return escape(out, value, false); }

rsdk_status rsearch_escape_text(rsdk_buf *out, rsdk_str value) { return escape(out, value, true); }
