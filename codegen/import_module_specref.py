#!/usr/bin/env python3
"""Builds spec/<module>/commands.json from a module's upstream command facts.

Usage: codegen/import_module_specref.py MODULE SPECREF_COMMANDS_JSON OUT_JSON

Module command files (one file mapping full names to descriptors) carry less
than core's: no arity, key specs, reply schema and few flags, and their
argument trees use names and shapes the generator refuses (underscores,
filter expressions as argument names, one-child blocks, keywords typed as
strings). This step

  - completes each command in its "rsdk" object: arity (from the argument
    tree), key_specs (from the key arguments), command_flags (as the
    module's server reports them in COMMAND INFO), reply_schema, and the
    result override (rsdk reply or glue, spec/SCHEMA.md);
  - repairs the argument trees (codegen/module_facts/<module>.py lists every
    repair with its reason), leaving every other fact as it is.

The per-module facts live in codegen/module_facts/<module>.py. Output is
deterministic, so it can be re-run after an upstream update and the diff
reviewed.
"""
import copy
import importlib.util
import json
import os
import re
import sys


def load_facts(module):
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "module_facts", module + ".py")
    spec = importlib.util.spec_from_file_location("facts_" + module, path)
    facts = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(facts)
    return facts


def kebab(name):
    """retentionPeriod -> retention-period, error_rate -> error-rate,
    std.p -> std-p, SELECTED_LABELS -> selected-labels."""
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", name)
    s = re.sub(r"[^A-Za-z0-9]+", "-", s).strip("-")
    return s.lower()


def rename_all(args):
    for a in args:
        a["name"] = kebab(a["name"])
        rename_all(a.get("arguments", []))


def find(args, path):
    for a in args:
        if a["name"] == path[0]:
            return a if len(path) == 1 else find(a.get("arguments", []), path[1:])
    raise KeyError(path)


def replace(args, path, new):
    """Replaces the argument at `path` with `new` (a list: 0, 1 or more)."""
    parent = args if len(path) == 1 else find(args, path[:-1])["arguments"]
    for i, a in enumerate(parent):
        if a["name"] == path[-1]:
            parent[i:i + 1] = new
            return
    raise KeyError(path)


def ext(obj):
    return obj.setdefault("rsdk", {})


# ---- arity and key specs from the argument tree ----------------------------

def min_words(a, chosen=False):
    """Words the argument takes at least (0 when optional)."""
    if a.get("optional") and not chosen:
        return 0
    tok = 1 if "token" in a else 0
    t = a["type"]
    if t == "pure-token":
        return 1
    if t == "block":
        return tok + sum(min_words(c) for c in a["arguments"])
    if t == "oneof":
        return tok + min(min_words(c, True) for c in a["arguments"])
    return tok + 1


def fixed(a):
    """True when the argument always takes the same number of words."""
    if a.get("optional") or a.get("multiple"):
        return False
    if a["type"] == "block":
        return all(fixed(c) for c in a["arguments"])
    if a["type"] == "oneof":
        sizes = {min_words(c, True) for c in a["arguments"]}
        return len(sizes) == 1 and all(fixed(dict(c, optional=False)) for c in a["arguments"])
    return True


def arity(args):
    n = 1 + sum(min_words(a) for a in args)
    return n if all(fixed(a) for a in args) else -n


def key_specs(args, flags):
    """Key positions of the top-level key arguments that sit at a fixed
    position: single keys (index, range 0), a key list counted by the
    integer before it (keynum), keys inside a multiple block (range to the
    end, stepping over the block). Each key argument gets the index of its
    spec (rsdk key_spec_index)."""
    specs, pos = [], 1
    for i, a in enumerate(args):
        if a.get("optional"):
            break
        if a["type"] == "key":
            ext(a)["key_spec_index"] = len(specs)
        elif a["type"] == "block" and a.get("multiple") and a["arguments"][0]["type"] == "key":
            ext(a["arguments"][0])["key_spec_index"] = len(specs)
        if a["type"] == "key" and not a.get("multiple"):
            specs.append({"flags": flags, "begin_search": {"index": {"pos": pos}},
                          "find_keys": {"range": {"lastkey": 0, "step": 1, "limit": 0}}})
        elif a["type"] == "key" and a.get("multiple"):
            prev = args[i - 1] if i else None
            if prev is not None and prev["type"] == "integer" and "count_of" in prev.get("rsdk", {}):
                specs.append({"flags": flags, "begin_search": {"index": {"pos": pos - 1}},
                              "find_keys": {"keynum": {"keynumidx": 0, "firstkey": 1, "step": 1}}})
            else:
                specs.append({"flags": flags, "begin_search": {"index": {"pos": pos}},
                              "find_keys": {"range": {"lastkey": -1, "step": 1, "limit": 0}}})
            break
        elif a["type"] == "block" and a.get("multiple") and a["arguments"][0]["type"] == "key":
            step = sum(min_words(c) for c in a["arguments"])
            specs.append({"flags": flags, "begin_search": {"index": {"pos": pos}},
                          "find_keys": {"range": {"lastkey": -1, "step": step, "limit": 0}}})
            break
        if not fixed(a):
            break
        pos += min_words(a)
    return specs


def add_counts(args):
    """An integer named num... right before a multiple sibling is its
    count: the typed call fills it in."""
    for i, a in enumerate(args):
        if (a["type"] == "integer" and a["name"].startswith("num") and i + 1 < len(args)
                and args[i + 1].get("multiple") and not a.get("optional")):
            ext(a)["count_of"] = args[i + 1]["name"]


def convert(name, desc, facts):
    args = desc.setdefault("arguments", [])
    for fix in facts.REPAIRS.get(name, []):
        fix(args)
    rename_all(args)
    for fix in facts.AFTER_RENAME.get(name, []):
        fix(args)
    add_counts(args)
    for path, key, value in facts.ARG_EXT.get(name, []):
        ext(find(args, path))[key] = value
    e = ext(desc)
    e["arity"] = arity(args)
    flags = facts.SERVER_FLAGS.get(name)
    if flags is not None and "command_flags" not in desc:
        e["command_flags"] = flags
    ks = key_specs(args, facts.KEY_FLAGS)
    if ks:
        e["key_specs"] = ks
    if name in facts.REPLY_SCHEMAS:
        e["reply_schema"] = facts.REPLY_SCHEMAS[name]
    if name in facts.GLUE:
        e["glue"] = facts.GLUE[name]
    if name in facts.REPLY:
        e["reply"] = facts.REPLY[name]
    if name in facts.SKIP:
        e["skip"] = facts.SKIP[name]
    # keep "rsdk" last, after the upstream keys
    desc["rsdk"] = desc.pop("rsdk")
    return desc


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    module, src, out = sys.argv[1:]
    facts = load_facts(module)
    with open(src, encoding="utf-8") as f:
        doc = json.load(f)
    doc = {k: convert(k, copy.deepcopy(v), facts) for k, v in sorted(doc.items())}
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=4, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
