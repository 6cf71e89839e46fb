#!/usr/bin/env python3
"""tools/docblocks.py — the C code blocks of Markdown pages as C files.

Every ```c block of a page goes into one C file per page, in page order, so
that a test compiles them (docs/BUILD: //docs:test_doc_blocks) and tests
that run an example include the page's file instead of a copy. The fence's
info string says what a block is (docs/docs.md):

    ```c                      file-scope code: declarations, functions
    ```c fragment NAME(PARAMS) statements: wrapped into `int NAME(PARAMS)`,
                              which returns 0 after the last statement;
                              PARAMS are what the statements use without
                              declaring (`rsdk_client *c, int port`)
    ```c excerpt PATH         a copy of declarations from the header PATH
                              (rsdk/error.h): not compiled, but every line
                              of it must occur in that header (compared
                              without RSDK_API and with runs of blanks as
                              one)

Each block is preceded by a #line directive, so a compiler error names the
page and line of the block. A block's #include lines move to the top of the
file; a page that uses a module's prefix (rsearch_, rts_, ...) gets the
module's header. Anything else after ```c is an error, and so is
an excerpt that drifted from its header.

    python3 tools/docblocks.py --headers DIR --out FILE.c PAGE.md
    python3 tools/docblocks.py --main --out FILE.c PAGE.md...

The first form writes one page's C file (a NAME for the page's block count
is derived from its file name); --main writes the test's main(), which
checks that the pages together hold blocks.
"""
import argparse
import os
import re
import sys

PRELUDE = """\
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsdk/core.h"
#include "rsdk/rsdk.h"
"""

# A page that uses a module's prefix gets its header (the module's test
# deps in docs/BUILD must match).
MODULE_HEADERS = [
    ("rbloom_", "rsdk/bloom.h"),
    ("rentra_", "rsdk/auth_entra.h"),
    ("rjson_", "rsdk/json_value.h"),
    ("rsearch_", "rsdk/search.h"),
    ("rts_", "rsdk/timeseries.h"),
    ("rvset_", "rsdk/vectorset_floats.h"),
]

FRAGMENT = re.compile(r"^fragment\s+([A-Za-z_]\w*)\s*\((.*)\)\s*$")
EXCERPT = re.compile(r"^excerpt\s+(\S+)\s*$")


class BlockError(Exception):
    pass


def page_symbol(path):
    """docs/pooling.md -> pooling; README.md -> readme."""
    stem = os.path.splitext(os.path.basename(path))[0].lower()
    return re.sub(r"[^a-z0-9]", "_", stem)


def blocks(text):
    """(line of the fence, info after ```c, body lines) for each C block."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r"^```c(\s.*)?$", lines[i])
        if m:
            info = (m.group(1) or "").strip()
            j = i + 1
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            if j == len(lines):
                raise BlockError("%d: the block never ends" % (i + 1))
            yield i + 1, info, lines[i + 1 : j]
            i = j
        i += 1


def split_params(params):
    """The parameters of a list, split at the commas outside parentheses."""
    out, depth, cur = [], 0, ""
    for ch in params:
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
            continue
        depth += (ch == "(") - (ch == ")")
        cur += ch
    return out + [cur]


def param_names(params):
    names = []
    for p in split_params(params):
        p = p.strip()
        if not p or p == "void":
            continue
        m = re.search(r"\(\s*\*\s*([A-Za-z_]\w*)\s*\)", p) or re.search(
            r"([A-Za-z_]\w*)\s*(\[\s*\])?$", p)
        if not m:
            raise BlockError("cannot read the parameter %r" % p)
        names.append(m.group(1))
    return names


def squeeze(line):
    """A line as compared in excerpts: no RSDK_API, whitespace collapsed."""
    line = " ".join(line.split())
    return line[len("RSDK_API "):] if line.startswith("RSDK_API ") else line


def check_excerpt(body, header):
    want = [squeeze(l) for l in body if l.strip()]
    try:
        with open(header, encoding="utf-8") as f:
            have = {squeeze(l) for l in f}
    except OSError as e:
        raise BlockError("excerpt of %s: %s" % (header, e.strerror))
    for l in want:
        if l not in have:
            raise BlockError("excerpt line not in %s: %s" % (header, l))


def page_c(page, text, headers):
    out = ["/* generated from %s by tools/docblocks.py: its C blocks. */" % page, PRELUDE]
    code = "\n".join("\n".join(body) for _, info, body in blocks(text) if not info.startswith("excerpt"))
    for prefix, header in MODULE_HEADERS:
        if prefix in code:
            out.append('#include "%s"' % header)
    # A block's own #include lines go to the top (a fragment is a function
    # body); blank lines keep the block's line numbers.
    hoisted = len(out)
    out.append("")
    n = 0
    for line, info, body in blocks(text):
        where = "%s:%d" % (page, line)
        try:
            m = EXCERPT.match(info)
            if m:
                check_excerpt(body, os.path.join(headers, m.group(1)))
                continue
            n += 1
            includes = [l for l in body if l.startswith("#include")]
            out[hoisted:hoisted] = includes
            hoisted += len(includes)
            body = ["" if l.startswith("#include") else l for l in body]
            if info == "":
                out.append('#line %d "%s"' % (line + 1, page))
                out.extend(body)
                out.append("")
                continue
            m = FRAGMENT.match(info)
            if not m:
                raise BlockError("unknown fence ```c %s (use fragment NAME(PARAMS) or excerpt PATH)" % info)
            name, params = m.group(1), m.group(2).strip()
            out.append("int %s(%s);" % (name, params or "void"))
            out.append("int %s(%s) {" % (name, params or "void"))
            for p in param_names(params):
                out.append("    (void)%s;" % p)
            out.append('#line %d "%s"' % (line + 1, page))
            out.extend(body)
            out.append("    return 0;")
            out.append("}")
            out.append("")
        except BlockError as e:
            raise BlockError("%s: %s" % (where, e))
    sym = page_symbol(page)
    out.append("/* the number of compiled blocks, for the test's main */")
    out.append("extern const int rsdk_doc_blocks_%s;" % sym)
    out.append("const int rsdk_doc_blocks_%s = %d;" % (sym, n))
    return "\n".join(out) + "\n"


def main_c(pages):
    syms = [page_symbol(p) for p in pages]
    out = ["/* generated by tools/docblocks.py: the page files compiled; count their blocks. */",
           "#include <stdio.h>", ""]
    out += ["extern const int rsdk_doc_blocks_%s;" % s for s in syms]
    out += ["", "int main(void) {", "    int n = 0;"]
    out += ["    n += rsdk_doc_blocks_%s;" % s for s in syms]
    out += ['    printf("%%d C blocks from %d pages compiled\\n", n);' % len(syms),
            "    return n > 0 ? 0 : 1;", "}"]
    return "\n".join(out) + "\n"


def run(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--headers", default="runtime/include")
    ap.add_argument("--main", action="store_true")
    ap.add_argument("pages", nargs="+")
    a = ap.parse_args(argv)
    if a.main:
        text = main_c(a.pages)
    else:
        if len(a.pages) != 1:
            ap.error("one page at a time")
        with open(a.pages[0], encoding="utf-8") as f:
            text = page_c(a.pages[0], f.read(), a.headers)
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(run(sys.argv[1:]))
    except BlockError as e:
        print("docblocks: %s" % e, file=sys.stderr)
        sys.exit(1)
