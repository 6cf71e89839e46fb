#!/usr/bin/env python3
"""tools/circles.py — import circles between the runtime's source files.

A module is one .c file of runtime/src (its name without .c). Module A uses
module B when
  - a file of A includes an internal header that belongs to B (the header
    named after B, or B_impl.h / B_internal.h), directly or through the
    headers it includes; or
  - A's object file refers to a symbol that B's object file defines (from
    the layer libraries, when given): a header shared by several files hides
    who calls whom, the symbol tables do not.
A circle is a group of two or more modules that reach one another through
such uses (a strongly connected component). Layers (runtime/src/<layer>) may
only use layers below them; Bazel already refuses the include, and this
script reports the symbol too.

    python3 tools/circles.py [--src runtime/src] [--lib DIR]... [--allow FILE]

Prints each circle, then "circles: N" (N counts groups, not edges). With
--allow, a circle listed there (one group per line, its modules separated by
spaces, in any order) is known and reported as such; the exit status is 1
when some circle is not listed, a listed one is gone (take it off the list)
a layer uses one above it, or a file includes another folder's
<group>_state.h (a group's state is reached through its calls); else 0.
"""
import argparse
import os
import re
import subprocess
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def walk(roots, suffixes):
    """Every file under `roots` whose name ends with one of `suffixes`."""
    found = []
    for root in roots:
        for d, _, names in os.walk(root, followlinks=True):
            found += [os.path.join(d, n) for n in names if n.endswith(suffixes)]
    return sorted(found)


def stem(path):
    return os.path.basename(path).rsplit(".", 1)[0]


def header_owner(name, modules):
    """The module an internal header belongs to, or None (a header of its
    own: types and inline helpers several modules share)."""
    base = stem(name)
    for suffix in ("", "_impl", "_internal"):
        if suffix and base.endswith(suffix):
            base = base[: -len(suffix)]
        if base in modules:
            return base
    return None


def include_edges(files, modules):
    """module or header -> modules and headers it includes (internal only)."""
    by_name = {os.path.basename(f): f for f in files if f.endswith(".h")}
    node = {}
    for f in files:
        n = os.path.basename(f)
        if f.endswith(".c"):
            node[f] = stem(f)
        else:
            node[f] = header_owner(n, modules) or n
    edges = {}
    for f in files:
        with open(f, encoding="utf-8") as fh:
            text = fh.read()
        for inc in INCLUDE.findall(text):
            # Internal headers are included by their bare names; a path
            # (rsdk/reply.h) is a public header.
            target = None if "/" in inc else by_name.get(inc)
            if target is None:
                continue
            a, b = node[f], node[target]
            if a != b:
                edges.setdefault(a, set()).add(b)
    return edges


def symbol_edges(archives):
    """module -> modules whose global symbols its object refers to."""
    defined, used = {}, {}
    for a in archives:
        out = subprocess.run(["nm", "-A", a], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            # archive:member: [value] type name
            parts = line.split()
            if len(parts) < 3:
                continue
            member = parts[0].split(":")[-2]
            mod = member.split(".")[0]
            kind, sym = parts[-2], parts[-1]
            if kind == "U":
                used.setdefault(mod, set()).add(sym)
            elif kind.isupper():
                defined[sym] = mod
    edges = {}
    for mod, syms in used.items():
        for s in syms:
            owner = defined.get(s)
            if owner and owner != mod:
                edges.setdefault(mod, set()).add(owner)
    return edges


def circles(edges):
    """Strongly connected components of two or more nodes (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    nodes = set(edges) | {w for ws in edges.values() for w in ws}
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return sorted(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", default="runtime/src", help="the runtime's source folders")
    ap.add_argument("--lib", action="append", default=[],
                    help="folder holding the layer libraries (lib*.a); default: beside --src, then bazel-bin/runtime/src")
    ap.add_argument("--allow", help="known circles, one group a line")
    ap.add_argument("--layers", default="base protocol net loop auth client sessions async cluster sentinel",
                    help="the layers, lowest first")
    args = ap.parse_args()

    files = walk([args.src], (".c", ".h"))
    if not files:
        sys.exit(f"circles.py: no sources under {args.src}")
    layer_of = {}
    for f in files:
        layer_of[stem(f)] = os.path.basename(os.path.dirname(f))
    modules = {stem(f) for f in files if f.endswith(".c")}

    libs = args.lib or [args.src, "bazel-bin/runtime/src"]
    archives = walk([d for d in libs if os.path.isdir(d)], (".a",))
    seen, unique = set(), []
    for a in archives:  # one copy of each library (.a and .pic.a alike)
        key = os.path.basename(a).split(".")[0]
        if key not in seen:
            seen.add(key)
            unique.append(a)
    edges = include_edges(files, modules)
    for a, bs in symbol_edges(unique).items():
        edges.setdefault(a, set()).update(bs)
    print(f"modules: {len(modules)}, libraries read: {len(unique)}")

    bad = 0
    rank = {name: i for i, name in enumerate(args.layers.split())}
    for a, bs in sorted(edges.items()):
        for b in sorted(bs):
            la, lb = layer_of.get(stem(a)), layer_of.get(stem(b))
            if la in rank and lb in rank and rank[lb] > rank[la]:
                print(f"upward: {a} ({la}) uses {b} ({lb})")
                bad += 1

    # A group's state header (<group>_state.h) is for the files of its own
    # folder: other layers go through the group's calls.
    for f in files:
        with open(f, encoding="utf-8") as fh:
            incs = INCLUDE.findall(fh.read())
        for inc in incs:
            if "/" in inc or not inc.endswith("_state.h"):
                continue
            owner = layer_of.get(stem(inc))
            if owner and owner != layer_of[stem(f)]:
                print(f"private: {os.path.basename(f)} ({layer_of[stem(f)]}) includes {inc} ({owner})")
                bad += 1

    allowed = set()
    if args.allow:
        with open(args.allow, encoding="utf-8") as fh:
            for line in fh:
                line = line.split("#", 1)[0].split()
                if line:
                    allowed.add(frozenset(line))
    found = circles(edges)
    for group in found:
        known = frozenset(group) in allowed
        inside = " ".join(f"{m} -> {','.join(sorted(edges[m] & set(group)))}" for m in group)
        print(f"circle{' (known)' if known else ''}: {inside}")
        bad += 0 if known else 1
    for group in sorted(allowed - {frozenset(g) for g in found}, key=sorted):
        print(f"gone: {' '.join(sorted(group))} (listed as known: take it off the list)")
        bad += 1
    print(f"circles: {len(found)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
