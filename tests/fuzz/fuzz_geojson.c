/* fuzz_geojson.c - libFuzzer harness: cpted_site_open on GeoJSON bytes.
 *
 * Input: the bytes of a file, given to GDAL as /vsimem/fuzz.geojson (GDAL's
 * in-memory file system: test code may use GDAL's API). The site is opened
 * strictly and, when a feature is rejected, leniently; an opened site is
 * described (cpted_site_info_json) and every feature read back as WKB. The
 * status must be one cpted_site_open documents. Run: docs/robustness.md.
 */
#include "cpted/cpted.h"

#include <cpl_vsi.h>
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

static void describe(cpted_site *site)
{
    char *json = NULL;
    int rc = cpted_site_info_json(&json, site);
    if (rc != CPTED_OK && rc != CPTED_E_CRS)
        abort();
    if (rc == CPTED_OK && json[0] != '{')
        abort();
    cpted_free(json);
    for (size_t i = 0; i < cpted_site_feature_count(site); i++) {
        unsigned char *wkb = NULL;
        size_t n = 0;
        if (cpted_site_get_feature_wkb(&wkb, &n, site, i) != CPTED_OK || n < 9)
            abort();
        cpted_free(wkb);
        if (!cpted_site_feature_id(site, i))
            abort();
    }
}

static int open_site(const char *path, int lenient)
{
    cpted_site_options o;
    CPTED_SITE_OPTIONS_INIT(&o);
    o.lenient = lenient;
    cpted_site *site = NULL;
    int rc = cpted_site_open(&site, ctx, &path, 1, &o);
    switch (rc) {
    case CPTED_OK:
        describe(site);
        break;
    case CPTED_E_IO: case CPTED_E_FORMAT: case CPTED_E_CRS: case CPTED_E_GEOMETRY:
    case CPTED_E_INVALID:
        if (site)
            abort(); /* no half-made site on failure */
        break;
    default:
        abort();
    }
    cpted_site_free(site);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char path[] = "/vsimem/fuzz.geojson";
    /* GDAL reads the buffer in place; it is not taken over (last argument FALSE) */
    VSILFILE *f = VSIFileFromMemBuffer(path, (GByte *)data, (vsi_l_offset)size, FALSE);
    if (!f)
        return 0;
    VSIFCloseL(f);
    int rc = open_site(path, 0);
    if (rc == CPTED_E_GEOMETRY || rc == CPTED_E_FORMAT)
        open_site(path, 1);
    VSIUnlink(path);
    return 0;
}
