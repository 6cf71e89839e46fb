/* rsdkgen — the command-spec compiler. Internal model shared by its passes:
 * load (JSON files -> commands) -> validate -> model (C names, types,
 * result kinds, reply shapes) -> emit (header, sources, metadata, docs). */
#ifndef RSDKGEN_H
#define RSDKGEN_H

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rsdk/command_meta.h"

/* ---- memory and text ------------------------------------------------------ */

/* Every model allocation comes from one arena, freed at exit; out of memory
 * ends the program (a build tool has nothing better to do). */
void *gen_alloc(size_t n);
char *gen_strdup(const char *s);
char *gen_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void gen_arena_free(void);

/* Growable text (heap, not arena: emitted files can be large). */
typedef struct sb {
    char *data;
    size_t len, cap;
} sb;
void sb_put(sb *b, const char *s);
void sb_putn(sb *b, const char *s, size_t n);
void sb_printf(sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_free(sb *b);
/* Writes `b` to `path`; false (with a message on stderr) on failure. */
bool sb_write_file(const sb *b, const char *path);

/* Case helpers. gen_upper/gen_lower return arena copies. */
char *gen_upper(const char *s);
char *gen_lower(const char *s);

/* A C string literal (quotes included) for arbitrary bytes. */
char *gen_c_literal(const char *s);

/* ---- model --------------------------------------------------------------- */

typedef struct command command;
typedef struct arg arg;

struct arg {
    /* from the spec */
    const char *name; /* lower case */
    const char *display, *token, *since, *deprecated_since;
    rsdk_arg_type type;
    bool optional, multiple, multiple_token;
    int key_spec_index; /* -1 when absent */
    json_t *j;
    arg *children;
    size_t nchildren;
    arg *parent;
    /* rsdk extensions */
    const char *ext_name, *ext_type_name, *ext_count_of, *ext_same_count_as;
    bool uint64;    /* c_type "uint64": uint64_t */
    bool as_double; /* c_type "double": an integer upstream, a double on the wire */
    bool as_string; /* c_type "string": a number that also takes text ("(1.5") */
    bool finite;    /* "finite": a double the server takes only when finite */
    bool not_nan;   /* "not_nan": a double the server takes infinite, never NaN */
    bool count_args; /* count_of counts the arguments the sibling sends, not its elements */
    /* model */
    arg *count_of;      /* this integer is filled with that sibling's count */
    arg *same_count_as; /* this array must be as long as that sibling */
    bool in_oneof;      /* a direct child of a oneof: present when chosen */
    bool field;         /* has a C field or parameter */
    bool enum_only;     /* oneof whose children are all pure tokens */
    const char *cname;      /* C field / parameter name */
    const char *path;       /* for run-time messages: "condition.ifeq_value" */
    const char *type_name;  /* oneof / block type */
    const char *kind_type;  /* oneof with values: its kind enum */
    const char *unset_const;/* oneof: the zero choice */
    const char *enum_const; /* a oneof child: its choice constant */
};

/* Reply shapes; the kinds mirror rsdk_shape_kind in rsdk/reply_shape.h
 * (the emitted tables use those names). */
enum { SK_ANY = 0, SK_DOUBLE, SK_BOOL, SK_MAP, SK_ARRAY, SK_TUPLE, SK_PAIRS };

typedef struct shape {
    int kind; /* SK_* */
    unsigned cls;  /* reply nodes the schema allows here (model_reply.c) */
    size_t n;
    struct shape **kids;
    const char **keys;
    struct shape *other; /* NULL: no further elements or keys */
    bool root_ref; /* "$ref": "#" */
    bool done;     /* laid out (linearise) */
    unsigned first, other_index; /* table slots of the children, the rest */
} shape;

/* One shape table: the shapes laid out by index (0 unused: ANY, 1 root). */
/* What a reply may be at its top, in the schema's terms (model_reply.c):
 * each stands for its RESP3 type and the RESP2 form of it. */
enum {
    A_STATUS = 1, A_STRING = 2, A_INT = 4, A_DOUBLE = 8, A_BOOL = 16,
    A_MAP = 32, A_ARRAY = 64, A_SET = 128, A_NIL = 256, A_ANY = 512
};

typedef struct shape_table {
    shape *root;   /* NULL: nothing to normalise beyond the shape-free rules */
    unsigned n;
    shape **list;
} shape_table;

struct command {
    const char *file;      /* as given on the command line */
    const char *key;       /* entry key in the file ("LIST") */
    const char *name;      /* full name ("CLIENT LIST") */
    const char *container; /* or NULL */
    json_t *j;             /* the descriptor */
    const char *group, *since, *complexity, *deprecated_since;
    int arity;
    uint64_t flags;
    const char *skip;      /* rsdk.skip reason, or NULL */
    bool is_container;     /* other commands name it as their container */
    bool module_layout;    /* from a file mapping several full names (module
                            * layout): arity, key positions and the reply
                            * must be stated, upstream or in "rsdk" */
    json_t *key_specs;     /* "key_specs", or "rsdk": {"key_specs"}; or NULL */
    json_t *reply_schema;  /* "reply_schema", or "rsdk": {"reply_schema"}; or NULL */
    arg *args;
    size_t nargs;
    /* model */
    const char *fname;     /* rcore_client_list */
    const char *upper;     /* RCORE_CLIENT_LIST */
    bool has_opts;
    size_t nparams;        /* required top-level args with a C parameter */
    rsdk_result_kind result;
    shape_table shapes;    /* RSDK_RESULT_REPLY: the reply's RESP3 form (the
                            * decoder's; the call's unless pairs_when is set) */
    shape_table pairs;     /* the form with pairs_when set (rsdk pairs_option) */
    const arg **pairs_when;/* the optional argument that selects it, as a path */
    size_t npairs_when;    /* from the top-level argument down */
    unsigned accept;       /* A_* the decoder accepts at the top of the reply */
    const char *view_sig;  /* the schema's branches in short form (model_view.c) */
    unsigned view_form;    /* VF_*: how a view finds its items */
    const char *status_text; /* RSDK_RESULT_STATUS: the one text answered ("OK") */
    const char *glue_type;   /* RSDK_RESULT_MODULE: the module's C type ("rts_samples") */
};

typedef struct module {
    const char *name;        /* "core" */
    const char *prefix;      /* "rcore_" */
    const char *upper_prefix;/* "RCORE_" */
    const char *header_path; /* "rsdk/core.h" */
    const char **strip;      /* command-name prefixes to drop ("JSON.") */
    size_t nstrip;
    const char *spec_label;  /* "spec/core": where the specs are, for banners */
    const char **groups;     /* with one header each (--group), sorted; 0: one header */
    size_t ngroups;
    const char *group_dir;   /* "rsdk/core": header_path without ".h" */
    command *cmds;           /* sorted by full name */
    size_t ncmds;
    json_t **roots;          /* loaded documents, kept alive */
    size_t nroots;
} module;

/* ---- diagnostics ----------------------------------------------------------- */

/* "file:COMMAND:arg/path: message" on stderr; counts errors. `a` may be NULL
 * (command-level), and so may `c` (then only the file is named). */
void gen_error(const char *file, const command *c, const arg *a, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int gen_error_count(void);

/* ---- passes ---------------------------------------------------------------- */

bool gen_load(module *m, char **files, size_t nfiles);
bool gen_validate(module *m);
bool gen_model(module *m);

/* What each result kind is (model.c), indexed by rsdk_result_kind. */
typedef struct result_info {
    const char *kind;  /* "strings": the rsdk reply override, --list, rsdk_gen_decode_<kind> */
    const char *ctype; /* "rsdk_strings"; NULL for status */
    const char *text;  /* in words, for the header comment and the reference */
    const char *meta;  /* "RSDK_RESULT_STRINGS" */
    bool view;         /* a view into the reply tree (rsdk/typed.h) */
    bool tree;         /* its decoder reads the tree in its RESP3 form (a shape table) */
} result_info;
const result_info *gen_result_info(rsdk_result_kind k);
/* The kind named `name` ("strings"); false when there is none. */
bool gen_result_named(const char *name, rsdk_result_kind *out);
/* A list of the kind names, for messages ("status, int, ..."). */
const char *gen_result_names(void);
/* Kinds whose decoder reads a tree: the raw reply, the views, and the
 * scalars read from a small aggregate (rank with score). */
bool gen_result_is_tree(rsdk_result_kind k);

/* How a view finds its items in the RESP3 tree (rsdk_gen_expect.form). */
enum { VF_KEYED = 1, VF_KEYED_ONE = 2, VF_ONE_PAIR = 4, VF_NEXT = 8, VF_POSITIONS = 16 };

/* The view a tree reply maps to (model_view.c): sets c->result (a view
 * kind, or unchanged) and c->view_form from the schema; with an rsdk reply
 * override naming a view, checks that the schema fits it and reports a
 * mismatch (file:COMMAND: ...). */
void gen_model_view(command *c, json_t *rs, const char *override);

/* Result-kind and shape derivation (model_reply.c). */
void gen_model_reply(module *m, command *c);
/* The reply types a command's decoder accepts, as C ("RSDK_GEN_T(STRING) |
 * ..."), and in words for messages and docs ("string or nil"). */
const char *gen_accept_types(const command *c);
const char *gen_accept_text(const command *c);

/* C type of one element of an argument (emit_common.c). */
const char *gen_elem_type(const arg *a);
/* The C path of a command's pairs option ("options.withscores"). */
char *gen_pairs_path(const command *c);
/* Required parameters, typed ("rsdk_str key, ...") or names only. */
char *gen_params(const command *c, bool typed);

/* lead + proto + tail on one line, or wrapped after commas at `width` with
 * continuation lines aligned after the '('. */
char *gen_wrap(const char *lead, const char *proto, const char *tail, size_t width);
/* Usage text of one argument ("[EX seconds | PX milliseconds]"). */
char *gen_arg_syntax(const arg *a);
/* `s` made safe inside a C comment, cut after `max` bytes with "...". */
char *gen_comment_text(const char *s, size_t max);

/* Generated identifier helpers (model.c) */
const char *gen_result_out_type(rsdk_result_kind k, bool decode);
bool gen_arg_is_stringish(const arg *a);
/* "SET key value [NX | XX] ..." */
char *gen_syntax(const command *c);
/* C prototype text of each generated function (without RSDK_API and ';'). */
char *gen_proto(const module *m, const command *c, int which);
enum { PROTO_ENCODE, PROTO_DECODE, PROTO_SYNC, PROTO_QUEUE, PROTO_ASYNC };
/* The typed callback type of a command's _async call (rsdk/async_typed.h,
 * or <glue type>_async_cb for a module's own result type). */
const char *gen_async_cb_type(const command *c);

/* The module's header: everything, or with groups the umbrella that
 * includes the base header and one header per group. */
bool gen_emit_header(const module *m, sb *out);
/* With groups: the shared part (includes, macro switches, metadata table),
 * and the commands of one group. */
bool gen_emit_base_header(const module *m, sb *out);
bool gen_emit_group_header(const module *m, const char *group, sb *out);
/* Include paths: "rsdk/core/base.h", "rsdk/core/sorted_set.h"; and the
 * header that declares command `c` (its group's, or the module's). */
const char *gen_base_header(const module *m);
const char *gen_group_header(const module *m, const char *group);
const char *gen_command_header(const module *m, const command *c);
/* Checks the --group list against the commands' groups: each group of a
 * generated command is listed, each listed group has commands. */
bool gen_check_groups(const module *m);
/* The C types a command takes, as the header declares them: the enums and
 * structs of its oneof and block arguments, then its options struct. */
void gen_emit_arg_types(sb *b, const command *c);
bool gen_emit_sources(const module *m, size_t shard, size_t nshards, sb *out);
bool gen_emit_meta(const module *m, sb *out);
bool gen_emit_doc(const module *m, sb *out);

/* The header the module's own result types live in ("rsdk/timeseries_types.h"),
 * included by the generated header when a command returns one (rsdk glue). */
const char *gen_glue_header(const module *m);
bool gen_module_has_glue(const module *m);

/* Commands that get bindings (not skipped, not bare containers). */
bool gen_is_generated(const command *c);

#endif
