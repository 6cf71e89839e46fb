/* rsdk/writer.h — RESP command writer: arguments straight into a buffer as a
 * RESP array of blob strings. No I/O, no format strings; integers and doubles
 * are formatted without printf. All functions honour the buffer's sticky error
 * (see rsdk/buf.h) and return it. */
#ifndef RSDK_WRITER_H
#define RSDK_WRITER_H

#include "rsdk/buf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Writes a whole command: `argc` arguments, argv[i] of argvlen[i] bytes
 * (argvlen NULL: each argv[i] is a C string). RSDK_ERR_INVALID_ARG for
 * argc 0 or a NULL argv[i] with non-zero length. */
RSDK_API rsdk_status rsdk_write_command(rsdk_buf *out, size_t argc, const char *const *argv,
                                        const size_t *argvlen);

/* Writes the "*<n>\r\n" header; follow with exactly n arguments. */
RSDK_API rsdk_status rsdk_write_array(rsdk_buf *out, size_t n);

/* One blob-string argument: "$<len>\r\n<bytes>\r\n". */
RSDK_API rsdk_status rsdk_write_arg(rsdk_buf *out, const char *p, size_t len);

/* One argument from a slice. */
RSDK_API rsdk_status rsdk_write_str(rsdk_buf *out, rsdk_str s);

/* One argument: the decimal text of `v`. */
RSDK_API rsdk_status rsdk_write_int(rsdk_buf *out, int64_t v);

/* One argument: `v` as text that round-trips exactly ("inf", "-inf", "nan"
 * for the special values; shortest form for integral values, e.g. "3"). */
RSDK_API rsdk_status rsdk_write_double(rsdk_buf *out, double v);

/* Formats `v` into `dst` (at least 32 bytes) as rsdk_write_double would; returns
 * the length. */
RSDK_API size_t rsdk_format_double(char *dst, double v);

/* Formats `v` into `dst` (at least 21 bytes) in decimal; returns the length. */
RSDK_API size_t rsdk_format_int(char *dst, int64_t v);

/* Counts the commands in data[0..len): true, with *ncmds set, when the bytes
 * are whole commands as this writer makes them (arrays of one or more blob
 * strings, back to back); false for anything else (a cut-off command, an
 * inline command, stray bytes). Walks the headers, not the payloads. */
RSDK_API bool rsdk_encoded_count(const char *data, size_t len, size_t *ncmds);

#ifdef __cplusplus
}
#endif
#endif
