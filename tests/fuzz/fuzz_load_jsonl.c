/* fuzz_load_jsonl.c - the JSONL loader through cm_engine_load_buffer (see
 * load_common.h). */
#include "load_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return load_all(data, size, CM_FORMAT_JSONL);
}
