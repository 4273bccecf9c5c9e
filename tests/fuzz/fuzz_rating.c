/* fuzz_rating.c - libFuzzer harness: cpted_rating_parse on arbitrary text.
 *
 * Input: the bytes of the rating string (cut at the first NUL). Besides the
 * sanitizers, it checks the parser's contract: a status of CPTED_OK or
 * CPTED_E_FORMAT only, the empty record after a failure, NUL-terminated text
 * fields and a message on failure. Run: docs/robustness.md.
 */
#include "cpted/cpted.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static cpted_context *ctx;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (cpted_context_new(&ctx) != CPTED_OK)
        abort();
    return 0;
}

static int terminated(const char *s, size_t n) { return memchr(s, '\0', n) != NULL; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    cpted_rating r;
    memset(&r, 0x5a, sizeof r); /* garbage the parser must overwrite */
    r.struct_size = sizeof r;
    int rc = cpted_rating_parse(&r, ctx, text);
    if (rc != CPTED_OK && rc != CPTED_E_FORMAT)
        abort();
    if (!terminated(r.method, sizeof r.method) || !terminated(r.vehicle_class, sizeof r.vehicle_class) ||
        !terminated(r.category, sizeof r.category))
        abort();
    if (rc == CPTED_E_FORMAT) {
        if (r.standard != CPTED_RATING_UNKNOWN || !isnan(r.mass_kg) || !isnan(r.speed_kmh) ||
            r.vehicle_class[0] || !*cpted_context_last_error(ctx))
            abort();
    } else if (r.standard == CPTED_RATING_UNKNOWN) {
        abort();
    }
    free(text);
    return 0;
}
