"""Completion of the upstream RedisJSON command specs (codegen/import_specref.py
--module json). Upstream states no arity, key positions or replies: they are
given here, as RedisJSON 2.x and valkey-json register and answer them
(COMMAND INFO; replies recorded from valkey-json on RESP2 and RESP3, the
same on both). JSON values travel as JSON text: the commands that take or
return a whole value get a "_str" name, and modules/json wraps them with
Jansson (json_t in, json_t out)."""

from common import INT, NIL, OK, RO, RW, TEXT, complete, first_key
# One integer for a legacy path (or nil: no such key), a list of integers or
# nils for a "$" path (nil where the match has the wrong type).
INTS = {"anyOf": [INT, NIL, {"type": "array", "items": {"anyOf": [INT, NIL]}}]}
# One JSON text (legacy path) or a list of them ("$" path), nil for none.
TEXTS = {"anyOf": [TEXT, NIL, {"type": "array", "items": {"anyOf": [TEXT, NIL]}}]}


def _c(arity, flags, reply_schema=None, **kw):
    return complete(flags, reply_schema, arity=arity, **kw)


COMPLETE = {
    "JSON.DEL": _c(-2, ["RW", "DELETE"], INT),
    "JSON.FORGET": _c(-2, ["RW", "DELETE"], INT),
    "JSON.GET": _c(-2, RO, {"anyOf": [TEXT, NIL]}, name="get_str"),
    # legacy path: the new value as text ("true"); "$": 1/0 per match, nil
    # where the match is no boolean
    "JSON.TOGGLE": _c(-2, RW, {"anyOf": [TEXT, {"type": "array", "items": {"anyOf": [INT, NIL]}}]}),
    "JSON.CLEAR": _c(-2, RW, INT),
    # nil: NX or XX was not met
    "JSON.SET": _c(-4, ["RW", "OW", "UPDATE"], {"anyOf": [OK, NIL]}, name="set_str"),
    "JSON.MSET": {"arity": -4, "reply_schema": OK,
                  "keys": [(("triplet", "key"),
                            {"flags": ["RW", "OW", "UPDATE"], "begin_search": {"index": {"pos": 1}},
                             "find_keys": {"range": {"lastkey": -1, "step": 3, "limit": 0}}})]},
    "JSON.MERGE": _c(4, RW, OK),
    "JSON.MGET": {"arity": -3, "name": "mget_str",
                  "reply_schema": {"type": "array", "items": {"anyOf": [TEXT, NIL]}},
                  "keys": [(("key",), {"flags": RO, "begin_search": {"index": {"pos": 1}},
                                       "find_keys": {"range": {"lastkey": -2, "step": 1, "limit": 0}}})]},
    # the new value as JSON text: "3" (legacy), "[3,null]" ("$")
    "JSON.NUMINCRBY": _c(4, RW, TEXT, name="numincrby_str", args={("value",): {"finite": True}}),
    "JSON.NUMMULTBY": _c(4, RW, TEXT, name="nummultby_str", args={("value",): {"finite": True}}),
    "JSON.STRAPPEND": _c(-3, RW, INTS),
    "JSON.STRLEN": _c(-2, RO, INTS),
    "JSON.ARRAPPEND": _c(-4, RW, INTS),
    "JSON.ARRINDEX": _c(-4, RO, INTS),
    "JSON.ARRINSERT": _c(-5, RW, INTS),
    "JSON.ARRLEN": _c(-2, RO, INTS),
    "JSON.ARRPOP": _c(-2, RW, TEXTS),
    "JSON.ARRTRIM": _c(5, RW, INTS),
    # legacy: the keys; "$": a list of key lists (nil where no object)
    "JSON.OBJKEYS": _c(-2, RO, {"anyOf": [NIL, {"type": "array", "items": TEXT},
                                          {"type": "array", "items": {"anyOf": [
                                              NIL, {"type": "array", "items": TEXT}]}}]}),
    "JSON.OBJLEN": _c(-2, RO, INTS),
    # simple strings (+object), a list of them for "$"
    "JSON.TYPE": _c(-2, RO, {"anyOf": [TEXT, NIL, {"type": "array", "items": TEXT}]},
                    simple_string=True),
    # the value as a RESP tree ("{" and "[" lead objects and arrays): free-form
    "JSON.RESP": _c(-2, RO, reply="reply"),
    "JSON.DEBUG": {},
    "JSON.DEBUG HELP": {"arity": 2, "reply_schema": {"type": "array", "items": TEXT}},
    "JSON.DEBUG MEMORY": {"arity": -3, "reply_schema": INTS,
                          "keys": [first_key(RO, pos=2)]},
}


def _fpha(desc):
    """JSON.SET's "fpha" is a block around one oneof (the generator wants two
    children or more) and lacks its token: RedisJSON 8 reads
    `FPHA FP16|BF16|FP32|FP64`. It becomes that oneof, token FPHA."""
    args = desc["arguments"]
    for i, a in enumerate(args):
        if a["name"] == "fpha" and a["type"] == "block" and len(a["arguments"]) == 1:
            inner = a["arguments"][0]
            args[i] = {"name": "fpha", "type": "oneof", "token": "FPHA", "optional": True,
                       "arguments": inner["arguments"]}


def _arrappend_path(desc):
    """JSON.ARRAPPEND's path is marked optional upstream, but RedisJSON reads
    it before the values and valkey-json's arity is -4: `JSON.ARRAPPEND key
    value` is refused by both. The path is required."""
    for a in desc["arguments"]:
        if a["name"] == "path":
            a.pop("optional", None)


REPAIR = {
    "JSON.SET": _fpha,
    "JSON.ARRAPPEND": _arrappend_path,
}
