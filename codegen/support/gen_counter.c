/* A counting-only encoder, for counts of the arguments another argument
 * sends (rsdk "count_args" in spec/SCHEMA.md). See rsdk/gen.h. */
#include "rsdk/gen.h"

void rsdk_gen_enc_counter(rsdk_gen_enc *counter, const rsdk_gen_enc *e) {
    counter->out = NULL; /* never written: `writing` stays false */
    counter->err = NULL;
    counter->command = e->command;
    counter->argc = 0;
    counter->start = 0;
    counter->writing = false;
    counter->status = RSDK_OK;
}
