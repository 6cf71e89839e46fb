#!/usr/bin/env python3
"""Builds spec/core/*.json from the upstream Redis command specs.

Usage: codegen/import_specref.py SPECREF_CORE_DIR OUT_DIR
       codegen/import_specref.py --sentinel SPECREF_CORE_DIR OUT_DIR
       codegen/import_specref.py --module NAME SPECREF_COMMANDS_JSON OUT_FILE

The --sentinel form writes the SENTINEL command and its subcommands (group
"sentinel", skipped in core) for the sentinel module, without that skip.

The second form imports a module's commands.json (one file mapping full
names to descriptors) and completes it from codegen/specref_modules/NAME.py
(see import_module below).

Copies every upstream file (Redis's own command-JSON schema, one command per
file) and adds the "rsdk" extension objects described in spec/SCHEMA.md:
commands rsdk does not generate (with the reason), reply-kind overrides,
replies sent as simple strings where the schema says "string",
options that make RESP2 flatten an array of pairs, argument counts the typed call fills in itself, arrays whose lengths must
match, and C type hints. It also repairs the one upstream defect the
generator rejects. Output is deterministic (same input, same bytes), so it can
be re-run after an upstream update and the diff reviewed.
"""
import json
import os
import sys

SENTINEL_REASON = ("runs only on Redis Sentinel, not on a data node; belongs to a "
                   "sentinel module")
SIMULATE_FAILURE_REASON = ("a fault injector for Sentinel's own tests (it makes the "
                           "sentinel crash at a failover step), and its arity (-3) "
                           "contradicts its arguments (every mode optional)")
EXPERIMENTAL_REASON = ("flagged EXPERIMENTAL upstream: syntax and reply may still "
                       "change, so no stable binding is offered")
UNDOCUMENTED_REASON = ("upstream documents none of its arguments although every call "
                       "needs some (arity {arity}), so a binding could only send a "
                       "command the server refuses")

# Reply kinds the schema cannot say. Numbers: reply schemas that say "string"
# where the value is a number, so the typed call should parse it. Views: the
# SCAN family's [cursor, [items]] has the same schema as LMPOP's [key,
# [elements]], SRANDMEMBER's negative-count branch is typed "any" though
# the server sends members, and the shapes below. Keys are full command
# names.
REPLY_OVERRIDES = {
    "INCRBYFLOAT": "double",
    "HINCRBYFLOAT": "double",
    "GEODIST": "double_or_nil",
    "SCAN": "scan_page",
    "SSCAN": "scan_page",
    "HSCAN": "scan_page",
    "ZSCAN": "scan_page",
    "SRANDMEMBER": "strings",
    # ZRANK's [rank, score] and WAITAOF's [local, replicas] look alike
    # (<integer, number>; WAITAOF's "number" is a count), and ZADD's count
    # or INCR score could be any number: each says which it is.
    "ZRANK": "rank",
    "ZREVRANK": "rank",
    "ZADD": "int_or_double",
    "WAITAOF": "ints",
    # Stream entries ([id, [field, value...]]) look like COMMAND
    # GETKEYSANDFLAGS's [key, [flags]]; XREAD's map is typed by pattern.
    "XRANGE": "stream_entries",
    "XREVRANGE": "stream_entries",
    "XCLAIM": "stream_entries",
    "XAUTOCLAIM": "stream_entries",
    "XREAD": "streams",
    "XREADGROUP": "streams",
    # GEO records ([member, dist?, hash?, [lon, lat]?]) are free-form arrays
    # in the schema, as CLUSTER SLOTS's are.
    "GEOSEARCH": "geo",
    "GEORADIUS_RO": "geo",
    "GEORADIUSBYMEMBER_RO": "geo",
    "GEOPOS": "geo",
    # XPENDING's summary and its entries are both arrays of four.
    "XPENDING": "pending",
}

# Commands whose reply_schema says "string" where the server sends a simple
# string (+...): JSON has one string type, so the typed decoder must be told
# (checked against Redis 7.0 on both protocols). Full command names.
SIMPLE_STRINGS = [
    "BGREWRITEAOF",        # +Background append only file rewriting started
    "CLUSTER BUMPEPOCH",   # +BUMPED <epoch> / +STILL <epoch>
    "REPLICAOF",           # +OK, +OK Already connected to specified master
    "SLAVEOF",
    "TYPE",                # +string, +hash, ...
    "SENTINEL CKQUORUM",   # +OK 3 usable Sentinels. Quorum and failover authorization can be reached
]

# Options that turn the reply into an array of [a, b] pairs, which RESP3
# nests ([[member, score], ...]) and RESP2 sends flat ([member, score, ...]);
# the typed calls regroup RESP2's form. The value is the option's C path.
# (ZMPOP, BZMPOP and XRANGE-like entries are nested on both protocols;
# ARSCAN and ARGREP send flat index/value pairs on both.)
PAIRS_OPTIONS = {
    "ZRANGE": "withscores",
    "ZRANGEBYSCORE": "withscores",
    "ZREVRANGE": "withscores",
    "ZREVRANGEBYSCORE": "withscores",
    "ZINTER": "withscores",
    "ZUNION": "withscores",
    "ZDIFF": "withscores",
    "ZRANDMEMBER": "options.withscores",
    "HRANDFIELD": "options.withvalues",
    "ZPOPMIN": "count",
    "ZPOPMAX": "count",
}

# Arrays whose lengths must agree: (command, argument path, other sibling).
SAME_COUNT = [
    ("XREAD", ("streams", "id"), "key"),
    ("XREADGROUP", ("streams", "id"), "key"),
    ("ZINTER", ("weight",), "key"),
    ("ZINTERSTORE", ("weight",), "key"),
    ("ZUNION", ("weight",), "key"),
    ("ZUNIONSTORE", ("weight",), "key"),
]

# Integers that are counts of a following sibling but whose name does not
# start with "num".
EXTRA_COUNTS = [
    ("HOTKEYS START", ("slots", "count"), "slot"),
]

# C type hints: (command, argument path, c_type). SCAN cursors are unsigned
# 64-bit values; these "integer" arguments take floating-point values on the
# server (the upstream type is kept, so COMMAND DOCS still matches).
C_TYPES = [
    ("SCAN", ("cursor",), "uint64"),
    ("SSCAN", ("cursor",), "uint64"),
    ("HSCAN", ("cursor",), "uint64"),
    ("ZSCAN", ("cursor",), "uint64"),
    ("ZINCRBY", ("increment",), "double"),
    ("ZINTER", ("weight",), "double"),
    ("ZINTERSTORE", ("weight",), "double"),
    ("ZUNION", ("weight",), "double"),
    ("ZUNIONSTORE", ("weight",), "double"),
    # score bounds also take "(1.5" (exclusive), "-inf" and "+inf"
    ("ZCOUNT", ("min",), "string"),
    ("ZCOUNT", ("max",), "string"),
    ("ZRANGEBYSCORE", ("min",), "string"),
    ("ZRANGEBYSCORE", ("max",), "string"),
    ("ZREMRANGEBYSCORE", ("min",), "string"),
    ("ZREMRANGEBYSCORE", ("max",), "string"),
    ("ZREVRANGEBYSCORE", ("max",), "string"),
    ("ZREVRANGEBYSCORE", ("min",), "string"),
]

# Upstream defects the generator would reject. SENTINEL SIMULATE-FAILURE's
# pure tokens have no "token"; the server matches the names themselves.
TOKEN_FIXES = {
    "SENTINEL SIMULATE-FAILURE": {
        "crash-after-election": "CRASH-AFTER-ELECTION",
        "crash-after-promotion": "CRASH-AFTER-PROMOTION",
        "help": "HELP",
    },
}


# Arguments added after their command but without "since" upstream (newer
# arguments often miss it). Without it the metadata would claim them for
# every server the command exists on, and the COMMAND DOCS comparison could
# not tell a newer argument from a missing one. (command, path, version)
SINCE_FIXES = [
    ("ZRANK", ("withscore",), "7.2.0"),
    ("ZREVRANK", ("withscore",), "7.2.0"),
    ("HSCAN", ("novalues",), "7.4.0"),
    ("BITOP", ("operation", "diff"), "8.2.0"),
    ("BITOP", ("operation", "diff1"), "8.2.0"),
    ("BITOP", ("operation", "andor"), "8.2.0"),
    ("BITOP", ("operation", "one"), "8.2.0"),
    ("XADD", ("condition",), "8.2.0"),
    ("XTRIM", ("trim", "condition"), "8.2.0"),
]


def full_name(key, desc):
    return f"{desc['container']} {key}" if "container" in desc else key


def find_arg(args, path):
    for a in args:
        if a["name"].lower() == path[0]:
            return a if len(path) == 1 else find_arg(a.get("arguments", []), path[1:])
    raise KeyError(path)


def ext(obj):
    return obj.setdefault("rsdk", {})


def add_counts(args):
    """numkeys/numfields/... followed by a multiple sibling: filled in by the
    typed call from that sibling's array length."""
    for i, a in enumerate(args):
        if a.get("arguments"):
            add_counts(a["arguments"])
        if (a["type"] == "integer" and a["name"].startswith("num") and i + 1 < len(args)
                and args[i + 1].get("multiple") and not a.get("optional")):
            ext(a)["count_of"] = args[i + 1]["name"].lower()


def fix_tokens(args, fixes):
    for a in args:
        if a["type"] == "pure-token" and "token" not in a and a["name"] in fixes:
            a["token"] = fixes[a["name"]]
        fix_tokens(a.get("arguments", []), fixes)


def convert(key, desc, containers, sentinel=False):
    name = full_name(key, desc)
    flags = desc.get("command_flags", [])
    # DEBUG: arity -2 but no argument in the spec, and not a container whose
    # subcommands have specs of their own.
    words = 2 if "container" in desc else 1
    if (name not in containers and not desc.get("arguments")
            and abs(desc.get("arity", 0)) > words):
        ext(desc)["skip"] = UNDOCUMENTED_REASON.format(arity=desc["arity"])
    if sentinel and name == "SENTINEL SIMULATE-FAILURE":
        ext(desc)["skip"] = SIMULATE_FAILURE_REASON
    elif not sentinel and ("ONLY_SENTINEL" in flags or desc.get("group") == "sentinel"):
        ext(desc)["skip"] = SENTINEL_REASON
    if "EXPERIMENTAL" in flags:
        ext(desc)["skip"] = EXPERIMENTAL_REASON
    if name in REPLY_OVERRIDES:
        ext(desc)["reply"] = REPLY_OVERRIDES[name]
    if name in PAIRS_OPTIONS:
        ext(desc)["pairs_option"] = PAIRS_OPTIONS[name]
    if name in SIMPLE_STRINGS:
        ext(desc)["simple_string"] = True
    args = desc.get("arguments", [])
    if name in TOKEN_FIXES:
        fix_tokens(args, TOKEN_FIXES[name])
    add_counts(args)
    for cmd, path, other in SAME_COUNT:
        if cmd == name:
            ext(find_arg(args, path))["same_count_as"] = other
    for cmd, path, target in EXTRA_COUNTS:
        if cmd == name:
            ext(find_arg(args, path))["count_of"] = target
    for cmd, path, ctype in C_TYPES:
        if cmd == name:
            ext(find_arg(args, path))["c_type"] = ctype
    for cmd, path, version in SINCE_FIXES:
        if cmd == name:
            a = find_arg(args, path)
            if "since" not in a:
                a["since"] = version
    return desc


def import_module(name, src, out):
    """Module specs lack arity, key positions and reply schemas upstream;
    codegen/specref_modules/<name>.py states them (COMPLETE), and may repair
    shapes the generator refuses (REPAIR). Every completion goes into the
    "rsdk" objects, so the upstream facts stay as they are; repairs change
    the upstream tree and are listed in that file with their reason. Argument
    names with "_" become "-" (the generator's C names turn "-" back into
    "_"), the one repair every module needs."""
    import importlib.util
    tables = os.path.join(os.path.dirname(os.path.abspath(__file__)), "specref_modules")
    sys.path.insert(0, tables)  # their shared building blocks (common.py)
    sys.dont_write_bytecode = True
    path = os.path.join(tables, name + ".py")
    spec = importlib.util.spec_from_file_location("specref_" + name, path)
    table = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(table)
    with open(src, encoding="utf-8") as f:
        doc = json.load(f)

    def dash_names(args):
        for a in args:
            if "name" in a:
                a["name"] = a["name"].replace("_", "-")
            dash_names(a.get("arguments", []))

    for cmd, desc in doc.items():
        if cmd in getattr(table, "REPAIR", {}):
            table.REPAIR[cmd](desc)
        dash_names(desc.get("arguments", []))
        done = table.COMPLETE.get(cmd)
        if done is None:
            sys.exit(f"{cmd}: not in codegen/specref_modules/{name}.py")
        rsdk = ext(desc)
        for k in ("skip", "name", "reply", "pairs_option", "simple_string"):
            if k in done:
                rsdk[k] = done[k]
        for k in ("arity", "reply_schema"):
            if k in done and k not in desc:
                rsdk[k] = done[k]
        if "keys" in done and "key_specs" not in desc:
            rsdk["key_specs"] = [spec for _, spec in done["keys"]]
            for i, (path, _) in enumerate(done["keys"]):
                ext(find_arg(desc["arguments"], path))["key_spec_index"] = i
        for path, hints in done.get("args", {}).items():
            ext(find_arg(desc["arguments"], path)).update(hints)
        if not rsdk:
            del desc["rsdk"]
    unknown = set(table.COMPLETE) - set(doc)
    if unknown:
        sys.exit(f"codegen/specref_modules/{name}.py completes unknown commands: {sorted(unknown)}")
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=4, ensure_ascii=False)
        f.write("\n")


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--module":
        import_module(sys.argv[2], sys.argv[3], sys.argv[4])
        return
    sentinel = len(sys.argv) == 4 and sys.argv[1] == "--sentinel"
    if len(sys.argv) != 3 and not sentinel:
        sys.exit(__doc__)
    src, out = sys.argv[-2], sys.argv[-1]
    os.makedirs(out, exist_ok=True)
    docs = {}
    for fn in sorted(os.listdir(src)):
        if not fn.endswith(".json"):
            continue
        with open(os.path.join(src, fn), encoding="utf-8") as f:
            docs[fn] = json.load(f)
    containers = {d["container"].upper() for doc in docs.values() for d in doc.values()
                  if "container" in d}
    for fn, doc in docs.items():
        if sentinel and any(d.get("group") != "sentinel" for d in doc.values()):
            continue
        doc = {k: convert(k, v, containers, sentinel) for k, v in doc.items()}
        with open(os.path.join(out, fn), "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=4, ensure_ascii=False)
            f.write("\n")


if __name__ == "__main__":
    main()
