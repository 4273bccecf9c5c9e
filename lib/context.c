/*
 * context.c - the context: error state, callbacks, GEOS/PROJ handles,
 * memory helpers and the capture of GDAL errors.
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

#include <cpl_error.h>
#include <gdal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- memory (the allocator itself is in alloc.c) ------------------- */

static char *vformat(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    char *text = cpted__malloc((size_t)n + 1);
    if (text)
        vsnprintf(text, (size_t)n + 1, fmt, ap);
    return text;
}

char *cpted__printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = vformat(fmt, ap);
    va_end(ap);
    return text;
}

bool cpted__grow(void **items, size_t *capacity, size_t need, size_t item_size)
{
    if (need <= *capacity)
        return true;
    size_t cap = *capacity ? *capacity : 8;
    while (cap < need)
        cap *= 2;
    if (cap > SIZE_MAX / item_size)
        return false;
    void *p = cpted__realloc(*items, cap * item_size);
    if (!p)
        return false;
    *items = p;
    *capacity = cap;
    return true;
}

CPTED_API void CPTED_CALL cpted_free(void *p) { cpted__free(p); }

/* ---- status and version --------------------------------------------- */

CPTED_API const char *CPTED_CALL cpted_status_string(int status)
{
    switch (status) {
    case CPTED_OK: return "success";
    case CPTED_E_GENERIC: return "generic failure";
    case CPTED_E_NOMEM: return "out of memory";
    case CPTED_E_INVALID: return "invalid argument";
    case CPTED_E_IO: return "input/output error";
    case CPTED_E_FORMAT: return "input format error";
    case CPTED_E_CRS: return "coordinate reference system error";
    case CPTED_E_GEOMETRY: return "geometry error";
    case CPTED_E_VERSION: return "struct version not understood";
    case CPTED_E_INTERRUPTED: return "interrupted";
    case CPTED_E_USER: return "user callback failed";
    case CPTED_E_RANGE: return "value outside the validity range";
    case CPTED_E_NOTFOUND: return "not found";
    default: return "unknown status";
    }
}

CPTED_API int32_t CPTED_CALL cpted_version_number(void) { return CPTED_VERSION_NUMBER; }
CPTED_API const char *CPTED_CALL cpted_version_string(void) { return CPTED_VERSION_STRING; }

/* ---- context --------------------------------------------------------- */

static void geos_error_handler(const char *message, void *userdata)
{
    cpted_context *ctx = userdata;
    snprintf(ctx->geos_message, sizeof ctx->geos_message, "%s", message);
}

static void geos_notice_handler(const char *message, void *userdata)
{
    cpted__log(userdata, CPTED_LOG_DEBUG, "GEOS: %s", message);
}

static void proj_log_handler(void *userdata, int level, const char *message)
{
    cpted__log(userdata, level <= PJ_LOG_ERROR ? CPTED_LOG_NOTICE : CPTED_LOG_DEBUG, "PROJ: %s",
               message);
}

CPTED_API int CPTED_CALL cpted_context_new(cpted_context **out)
{
    if (!out)
        return CPTED_E_INVALID;
    *out = NULL;
    cpted_context *ctx = cpted__calloc(1, sizeof *ctx);
    if (!ctx)
        return CPTED_E_NOMEM;
    ctx->error = cpted__strdup("");
    ctx->geos = GEOS_init_r();
    ctx->proj = proj_context_create();
    if (!ctx->error || !ctx->geos || !ctx->proj) {
        if (ctx->geos)
            GEOS_finish_r(ctx->geos);
        if (ctx->proj)
            proj_context_destroy(ctx->proj);
        cpted__free(ctx->error);
        cpted__free(ctx);
        return CPTED_E_NOMEM;
    }
    GEOSContext_setErrorMessageHandler_r(ctx->geos, geos_error_handler, ctx);
    GEOSContext_setNoticeMessageHandler_r(ctx->geos, geos_notice_handler, ctx);
    proj_log_func(ctx->proj, ctx, proj_log_handler);
    proj_log_level(ctx->proj, PJ_LOG_ERROR);
    ctx->log_max_level = CPTED_LOG_WARNING;
    ctx->refs = 1;
    *out = ctx;
    return CPTED_OK;
}

static void context_destroy(cpted_context *ctx)
{
    GEOS_finish_r(ctx->geos);
    proj_context_destroy(ctx->proj);
    cpted__free(ctx->error);
    cpted__free(ctx);
}

void cpted__context_ref(cpted_context *ctx) { ctx->refs++; }

void cpted__context_unref(cpted_context *ctx)
{
    if (ctx && --ctx->refs == 0)
        context_destroy(ctx);
}

CPTED_API void CPTED_CALL cpted_context_free(cpted_context *ctx) { cpted__context_unref(ctx); }

CPTED_API const char *CPTED_CALL cpted_context_last_error(const cpted_context *ctx)
{
    if (!ctx)
        return "no context";
    return ctx->error ? ctx->error : "";
}

CPTED_API void CPTED_CALL cpted_context_set_log(cpted_context *ctx, int32_t max_level,
                                                cpted_log_fn fn, void *payload)
{
    if (!ctx)
        return;
    ctx->log_fn = fn;
    ctx->log_payload = payload;
    ctx->log_max_level = max_level;
}

CPTED_API void CPTED_CALL cpted_context_set_progress(cpted_context *ctx, cpted_progress_fn fn,
                                                     void *payload)
{
    if (!ctx)
        return;
    ctx->progress_fn = fn;
    ctx->progress_payload = payload;
}

CPTED_API void CPTED_CALL cpted_context_set_interrupt(cpted_context *ctx, cpted_interrupt_fn fn,
                                                      void *payload)
{
    if (!ctx)
        return;
    ctx->interrupt_fn = fn;
    ctx->interrupt_payload = payload;
}

static void log_error(cpted_context *ctx)
{
    if (ctx->log_fn && ctx->log_max_level >= CPTED_LOG_ERROR && !ctx->muted && ctx->error)
        ctx->log_fn(CPTED_LOG_ERROR, ctx->error, ctx->log_payload);
}

int cpted__error(cpted_context *ctx, int status, const char *fmt, ...)
{
    if (!ctx)
        return status;
    va_list ap;
    va_start(ap, fmt);
    char *text = vformat(fmt, ap);
    va_end(ap);
    if (text) {
        cpted__free(ctx->error);
        ctx->error = text;
    } /* else: keep the old text rather than lose the status */
    if (status == CPTED_E_NOMEM)
        ctx->nomem_reports++;
    log_error(ctx);
    return status;
}

int cpted__nomem(cpted_context *ctx, const char *module)
{
    return cpted__error(ctx, CPTED_E_NOMEM, "%s: out of memory", module);
}

int cpted__nomem_status(cpted_context *ctx, int rc, unsigned long reports)
{
    if (rc == CPTED_OK || rc == CPTED_E_NOMEM || !ctx || ctx->nomem_reports == reports)
        return rc;
    /* the text of the step that failed stays, after the cause */
    return cpted__error(ctx, CPTED_E_NOMEM, "out of memory: %s", ctx->error ? ctx->error : "");
}

char *cpted__mute(cpted_context *ctx)
{
    /* The last error moves out rather than being copied: no allocation here. */
    char *saved = ctx->error;
    ctx->error = NULL;
    ctx->muted++;
    return saved;
}

void cpted__unmute(cpted_context *ctx, char *saved, bool failed)
{
    ctx->muted--;
    if (failed && ctx->error) {
        /* A real failure after all: it stays the last error, logged now. */
        cpted__free(saved);
        log_error(ctx);
        return;
    }
    cpted__free(ctx->error);
    ctx->error = saved;
}

void cpted__log(cpted_context *ctx, int32_t level, const char *fmt, ...)
{
    if (!ctx || !ctx->log_fn || level > ctx->log_max_level)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *text = vformat(fmt, ap);
    va_end(ap);
    if (text)
        ctx->log_fn(level, text, ctx->log_payload);
    cpted__free(text);
}

void cpted__progress(cpted_context *ctx, double fraction, const char *stage)
{
    if (ctx && ctx->progress_fn)
        ctx->progress_fn(fraction, stage, ctx->progress_payload);
}

bool cpted__interrupted(cpted_context *ctx)
{
    return ctx && ctx->interrupt_fn && ctx->interrupt_fn(ctx->interrupt_payload) != 0;
}

const char *cpted__geos_error(cpted_context *ctx)
{
    static const char unknown[] = "unknown GEOS error";
    return ctx->geos_message[0] ? ctx->geos_message : unknown;
}

int cpted__check_struct(cpted_context *ctx, const void *p, size_t given, size_t min_size,
                        size_t own_size, const char *what)
{
    if (!p)
        return cpted__error(ctx, CPTED_E_INVALID, "%s: NULL pointer", what);
    if (given < min_size)
        return cpted__error(ctx, CPTED_E_VERSION,
                            "%s: struct_size %zu is smaller than the oldest layout (%zu)", what,
                            given, min_size);
    if (given > own_size) {
        const unsigned char *tail = (const unsigned char *)p + own_size;
        for (size_t i = 0; i < given - own_size; i++)
            if (tail[i])
                return cpted__error(ctx, CPTED_E_VERSION,
                                    "%s: struct_size %zu is newer than this library (%zu) and "
                                    "its unknown fields are set",
                                    what, given, own_size);
    }
    return CPTED_OK;
}

int cpted__copy_record(cpted_context *ctx, void *out, const void *record, size_t own_size,
                       size_t min_size, const char *what)
{
    if (!out)
        return cpted__error(ctx, CPTED_E_INVALID, "%s: NULL pointer", what);
    uint32_t given;
    memcpy(&given, out, sizeof given);
    int rc = cpted__check_struct(ctx, out, given, min_size, own_size, what);
    if (rc != CPTED_OK)
        return rc;
    /* An older caller gets its prefix; a newer one keeps its (zero) tail. */
    memcpy(out, record, given < own_size ? given : own_size);
    memcpy(out, &given, sizeof given);
    return CPTED_OK;
}

/* ---- GDAL error capture ---------------------------------------------- */

static void CPL_STDCALL gdal_error_handler(CPLErr level, CPLErrorNum num, const char *message)
{
    (void)num;
    cpted__gdal_errors *capture = CPLGetErrorHandlerUserData();
    if (!capture)
        return;
    if (level >= CE_Failure) {
        capture->failures++;
        snprintf(capture->last, sizeof capture->last, "%s", message);
    } else if (level == CE_Warning) {
        capture->warnings++;
        cpted__log(capture->ctx, CPTED_LOG_DEBUG, "GDAL: %s", message);
    }
}

void cpted__gdal_begin(cpted__gdal_errors *capture, cpted_context *ctx)
{
    memset(capture, 0, sizeof *capture);
    capture->ctx = ctx;
    CPLPushErrorHandlerEx(gdal_error_handler, capture);
}

void cpted__gdal_end(cpted__gdal_errors *capture)
{
    (void)capture;
    CPLPopErrorHandler();
}

void cpted__gdal_init(void)
{
    /* GDALAllRegister is idempotent and internally locked; GDAL keeps its own
     * once-state, so calling it on every open costs a mutex only. */
    if (GDALGetDriverCount() == 0)
        GDALAllRegister();
}
