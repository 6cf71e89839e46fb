"""Completion of the upstream vector-set command specs (codegen/import_specref.py
--module vectorset). Upstream states arity and flags but no key positions or
replies: they are given here, as Redis 8.0 answers them (replies recorded
on RESP2 and RESP3). Function names drop the leading V through the
module's --strip V (VADD -> rvset_add)."""

from common import INT, NIL, RO, RW, TEXT
from common import complete as _c

# RESP3 booleans, RESP2 integers 0/1
BOOL = {"type": "boolean"}


PAIR = {"type": "array", "minItems": 2, "maxItems": 2, "items": [TEXT, {"type": "number"}]}

COMPLETE = {
    "VADD": _c(["RW", "INSERT"], BOOL),
    "VREM": _c(["RW", "DELETE"], BOOL),
    # members; WITHSCORES: a map member -> score (RESP3), flat pairs (RESP2,
    # regrouped by the typed call). WITHATTRIBS (Redis 8.2) is not typed.
    "VSIM": _c(RO, args={("max-distance",): {"finite": True}}, reply_schema= {"anyOf": [{"type": "array", "items": TEXT},
                              {"type": "array", "items": PAIR},
                              {"type": "object", "additionalProperties": {"type": "number"}}]},
               reply="scored", pairs_option="withscores"),
    "VDIM": _c(RO, INT),
    "VCARD": _c(RO, INT),
    # the vector's components (nil: no such element); RAW's record is refused
    # by the typed decoder (docs/vectorset.md)
    "VEMB": _c(RO, {"anyOf": [NIL, {"type": "array", "items": {"type": "number"}}]}),
    # one list of neighbours per level; WITHSCORES: maps neighbour -> score
    "VLINKS": _c(RO, reply="reply"),
    # a record whose fields grow with the server: a tree
    "VINFO": _c(RO, reply="reply"),
    "VSETATTR": _c(RW, BOOL),
    # the attributes as JSON text, nil when there are none
    "VGETATTR": _c(RO, {"anyOf": [TEXT, NIL]}),
    "VRANDMEMBER": _c(RO, {"anyOf": [NIL, TEXT, {"type": "array", "items": TEXT}]}),
}


def _values():
    return {"name": "values", "type": "block", "token": "VALUES", "arguments": [
        {"name": "num", "type": "integer", "rsdk": {"count_of": "value"}},
        {"name": "value", "type": "double", "multiple": True, "rsdk": {"finite": True}}]}


def _vadd(desc):
    """Upstream writes `[REDUCE dim]` as a pure token and a separate integer,
    and `FP32 vector | VALUES num v1 v2 ...` as a choice of two tokens
    followed by one string, which cannot send VALUES' count and numbers.
    REDUCE becomes one integer argument with its token; the vector becomes a
    choice of FP32 (a blob of little-endian float32) or VALUES (the count,
    filled in, and the numbers)."""
    args = desc["arguments"]
    names = [a["name"] for a in args]
    i = names.index("reduce")
    args[i:i + 2] = [{"name": "reduce", "type": "integer", "token": "REDUCE", "optional": True}]
    names = [a["name"] for a in args]
    i = names.index("format")
    args[i:i + 2] = [{"name": "vector", "type": "oneof", "arguments": [
        {"name": "fp32", "type": "string", "token": "FP32"}, _values()]}]


def _vsim(desc):
    """VSIM's query is `ELE element | FP32 blob | VALUES num v1 v2 ...`,
    written upstream as a choice of three tokens and one string: it becomes
    a choice of those three forms (see _vadd)."""
    args = desc["arguments"]
    names = [a["name"] for a in args]
    i = names.index("format")
    args[i:i + 2] = [{"name": "query", "type": "oneof", "arguments": [
        {"name": "ele", "type": "string", "token": "ELE"},
        {"name": "fp32", "type": "string", "token": "FP32"}, _values()]}]


REPAIR = {"VADD": _vadd, "VSIM": _vsim}
