#!/usr/bin/env python3
"""Builds spec/search/commands.json from the RediSearch command facts.

Usage: codegen/import_search.py SPECREF_SEARCH_COMMANDS_JSON OUT_DIR

RediSearch's upstream file (one object mapping FT.* names to descriptors)
uses a few forms the generator does not accept, and has no reply schemas.
This step rewrites those forms and adds the "rsdk" extension objects
(spec/SCHEMA.md); every other fact is copied unchanged. Output is
deterministic, so it can be re-run after an upstream update and the diff
reviewed.

Rewrites (each keeps what is sent on the wire):
- argument names with '_', spaces or capitals ("data_type", "delete docs",
  "INDEXEMPTY") become lower-case names with '-' (the C names turn '-'
  back into '_');
- an "expression" argument (APPLY's, FILTER's) is a string: its
  "function" children only list the expression language's functions;
- a oneof with one pure-token child (DROPINDEX's DD, SUGADD's INCR) is
  that optional token.
"""
import json
import os
import sys

# Counts the typed call fills in: (command, path of the count, sibling,
# whether it counts the sibling's arguments rather than its elements).
COUNTS = [
    ("FT.CREATE", ("prefix", "count"), "prefix", False),
    ("FT.CREATE", ("stopwords", "count"), "stopword", False),
    ("FT.SEARCH", ("in-keys", "count"), "key", False),
    ("FT.SEARCH", ("in-fields", "count"), "field", False),
    ("FT.SEARCH", ("return", "count"), "identifiers", True),
    ("FT.SEARCH", ("summarize", "fields", "count"), "field", False),
    ("FT.SEARCH", ("highlight", "fields", "count"), "field", False),
    ("FT.SEARCH", ("params", "nargs"), "values", True),
    ("FT.AGGREGATE", ("load", "count"), "field", False),
    ("FT.AGGREGATE", ("groupby", "nargs"), "property", False),
    ("FT.AGGREGATE", ("groupby", "reduce", "reducer-body", "generic-body", "nargs"), "arg", False),
    ("FT.AGGREGATE", ("groupby", "reduce", "reducer-body", "collect-body", "fields-clause",
                      "fields", "num-fields"), "field", False),
    ("FT.AGGREGATE", ("sortby", "nargs"), "fields", True),
    ("FT.AGGREGATE", ("params", "nargs"), "values", True),
    ("FT.HYBRID", ("params", "nargs"), "values", True),
    ("FT.HYBRID", ("load", "count"), "field", False),
    ("FT.HYBRID", ("groupby", "nproperties"), "property", False),
    ("FT.HYBRID", ("groupby", "reduce", "reducer-body", "generic-body", "nargs"), "arg", False),
    ("FT.HYBRID", ("groupby", "reduce", "reducer-body", "collect-body", "fields-clause",
                   "fields", "num-fields"), "field", False),
]

# Arguments the facts mark required although the server takes none of
# them: REDUCE COUNT 0 has no argument.
OPTIONAL = [
    ("FT.AGGREGATE", ("groupby", "reduce", "reducer-body", "generic-body", "arg")),
    ("FT.HYBRID", ("groupby", "reduce", "reducer-body", "generic-body", "arg")),
]

# Function names the command name would give badly: FT._LIST would be
# rsearch__list, and a double underscore marks internal names.
NAMES = {"FT._LIST": "list"}

OK = {"const": "OK"}
INT = {"type": "integer"}
STRINGS = {"type": "array", "items": {"type": "string"}}
STRING_SET = {"type": "array", "uniqueItems": True, "items": {"type": "string"}}

# Reply schemas (RESP3 form, as core's), from RediSearch 2.10's replies on
# both protocols. Commands not listed answer records whose layout depends
# on the options (FT.SEARCH, FT.AGGREGATE, FT.INFO, ...): their generated
# calls hand over the reply tree, and rsdk/search.h reads it into C types.
REPLY_SCHEMAS = {
    "FT.CREATE": OK,
    "FT.ALTER": OK,
    "FT.DROPINDEX": OK,
    "FT.ALIASADD": OK,
    "FT.ALIASUPDATE": OK,
    "FT.ALIASDEL": OK,
    "FT.SYNUPDATE": OK,
    "FT.CONFIG SET": OK,
    "FT.CURSOR DEL": OK,
    "FT.DICTADD": INT,
    "FT.DICTDEL": INT,
    "FT.SUGADD": INT,
    "FT.SUGDEL": INT,
    "FT.SUGLEN": INT,
    "FT.EXPLAIN": {"type": "string"},
    "FT.EXPLAINCLI": STRINGS,
    "FT.TAGVALS": STRING_SET,
    "FT._LIST": STRING_SET,
    "FT.DICTDUMP": STRING_SET,
    "FT.SYNDUMP": {"type": "object", "additionalProperties": STRINGS},
}


# Commands whose replies are records shaped by the options: the generated
# call hands over the tree on purpose, rsdk/search_*.h read it.
TREES = ["FT.SEARCH", "FT.AGGREGATE", "FT.CURSOR READ", "FT.INFO", "FT.PROFILE", "FT.SPELLCHECK",
         "FT.SUGGET", "FT.CONFIG GET", "FT.CONFIG HELP", "FT.HYBRID", "FT.ALIASLIST"]


def min_words(a):
    """Words a required argument sends at the least (tokens included)."""
    if a["type"] == "pure-token":
        return 1
    t = 1 if "token" in a else 0
    kids = a.get("arguments", [])
    if a["type"] == "oneof":
        return t + min(min_words(k) for k in kids)
    if a["type"] == "block":
        return t + sum(min_words(k) for k in kids if not k.get("optional"))
    return t + 1


def variable(args):
    return any(a.get("optional") or a.get("multiple") or a["type"] == "oneof" or variable(a.get("arguments", []))
               for a in args)


def arity(name, args):
    """RediSearch registers every command with arity -1, so the arity is
    derived from the argument tree: N words exactly, or at least N."""
    words = len(name.split()) + sum(min_words(a) for a in args if not a.get("optional"))
    return -words if variable(args) else words


def rename(args):
    out = []
    for a in args:
        a = dict(a)
        if "name" in a:
            a["name"] = a["name"].lower().replace("_", "-").replace(" ", "-")
        if a.get("expression"):
            # APPLY's block of "function" descriptions and FILTER's string:
            # one expression argument on the wire.
            a = {k: v for k, v in a.items() if k not in ("expression", "arguments")}
            a["type"] = "string"
        kids = a.get("arguments")
        if a.get("type") == "oneof" and kids and len(kids) == 1 and kids[0]["type"] == "pure-token":
            only = kids[0]
            a = {k: v for k, v in a.items() if k != "arguments"}
            a["type"] = "pure-token"
            a["token"] = only["token"]
            kids = None
        if kids:
            a["arguments"] = rename(kids)
        out.append(a)
    return out


def find_arg(args, path):
    for a in args:
        if a["name"] == path[0]:
            return a if len(path) == 1 else find_arg(a.get("arguments", []), path[1:])
    raise KeyError(path)


def ext(obj):
    return obj.setdefault("rsdk", {})


def convert(name, desc):
    desc = dict(desc)
    desc["arguments"] = rename(desc.get("arguments", []))
    for cmd, path, sibling, args in COUNTS:
        if cmd == name:
            e = ext(find_arg(desc["arguments"], path))
            e["count_of"] = sibling
            if args:
                e["count_args"] = True
    for cmd, path in OPTIONAL:
        if cmd == name:
            find_arg(desc["arguments"], path)["optional"] = True
    if name in NAMES:
        ext(desc)["name"] = NAMES[name]
    ext(desc)["arity"] = arity(name, desc["arguments"])
    if name in REPLY_SCHEMAS:
        ext(desc)["reply_schema"] = REPLY_SCHEMAS[name]
    elif name in TREES:
        ext(desc)["reply"] = "reply"
    else:
        raise SystemExit(f"{name}: no reply schema")
    if not desc["arguments"]:
        del desc["arguments"]
    return desc


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src, out = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8") as f:
        doc = json.load(f)
    os.makedirs(out, exist_ok=True)
    result = {k: convert(k, v) for k, v in doc.items()}
    with open(os.path.join(out, "commands.json"), "w", encoding="utf-8") as f:
        json.dump(result, f, indent=4, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
