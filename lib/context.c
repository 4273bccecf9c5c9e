/*
 * context.c - the context: error state, callbacks, GEOS/PROJ handles,
 * memory helpers and the capture of GDAL errors.
 *
 * SPDX-License-Identifier: MIT
 */
#define _POSIX_C_SOURCE 200809L /* pthread_once, newlocale/uselocale */

#include "internal.h"

#include <cpl_error.h>
#include <gdal.h>
#include <locale.h>
#include <pthread.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h> /* sysconf */

/* The calling thread's locale while cpted converts a number (see "numbers
 * independent of the locale"). */
struct c_locale {
    locale_t c, saved;
};

/* ---- memory (the allocator itself is in alloc.c) ------------------- */

/* Messages and texts are formatted in the "C" locale (see "numbers
 * independent of the locale" below): "1.80 m" under a decimal-comma host too. */
static bool c_locale_enter(struct c_locale *l);
static void c_locale_leave(struct c_locale *l);

char *cpted__vprintf(const char *fmt, va_list ap)
{
    struct c_locale l;
    bool in_c = c_locale_enter(&l);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    char *text = n >= 0 ? cpted__malloc((size_t)n + 1) : NULL;
    if (text)
        vsnprintf(text, (size_t)n + 1, fmt, ap);
    if (in_c)
        c_locale_leave(&l);
    return text;
}

static char *vformat(const char *fmt, va_list ap) { return cpted__vprintf(fmt, ap); }

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
    ctx->threads = 1;
    atomic_init(&ctx->refs, 1);
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

/* The count is atomic: a host may free objects of one context from another
 * thread than the one that uses it (a finalizer thread), as long as it does
 * not use the context concurrently. The last release (acq_rel) sees every
 * write made through the context before it is destroyed. */
void cpted__context_ref(cpted_context *ctx)
{
    atomic_fetch_add_explicit(&ctx->refs, 1, memory_order_relaxed);
}

void cpted__context_unref(cpted_context *ctx)
{
    if (ctx && atomic_fetch_sub_explicit(&ctx->refs, 1, memory_order_acq_rel) == 1)
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

/* as cpted_batch_options.threads: 0 is the processors, at most 8; else 1..64 */
#define CONTEXT_AUTO_THREADS 8
#define CONTEXT_MAX_THREADS 64

CPTED_API int CPTED_CALL cpted_context_set_threads(cpted_context *ctx, int32_t threads)
{
    if (!ctx)
        return CPTED_E_INVALID;
    if (threads < 0 || threads > CONTEXT_MAX_THREADS)
        return cpted__error(ctx, CPTED_E_INVALID,
                            "cpted_context_set_threads: %d threads: give 0 (the processors, "
                            "at most %d) or 1 to %d",
                            (int)threads, CONTEXT_AUTO_THREADS, CONTEXT_MAX_THREADS);
    if (threads == 0) {
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        threads = online < 1                      ? 1
                  : online > CONTEXT_AUTO_THREADS ? CONTEXT_AUTO_THREADS
                                                  : (int32_t)online;
    }
    ctx->threads = threads;
    return CPTED_OK;
}

CPTED_API int32_t CPTED_CALL cpted_context_threads(const cpted_context *ctx)
{
    return ctx ? ctx->threads : 0;
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
    if (!ctx->geos_message[0])
        return unknown;
    /* Handed out from a second buffer and cleared, so a later failure that
     * GEOS reports without a message never repeats this one. */
    memcpy(ctx->geos_reported, ctx->geos_message, sizeof ctx->geos_reported);
    ctx->geos_message[0] = '\0';
    return ctx->geos_reported;
}

void cpted__geos_clear(cpted_context *ctx)
{
    if (ctx)
        ctx->geos_message[0] = '\0';
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

/* GDALAllRegister is not safe to run from two threads at once: each driver's
 * registration checks for its name and then registers, so concurrent calls
 * may register a driver twice, and a thread that sees some drivers already
 * (GDALGetDriverCount() > 0) may open a file before its driver is there. So
 * it runs exactly once per process, and every caller waits for it. When the
 * host registered the drivers itself (QGIS does), nothing is added. */
static pthread_once_t gdal_once = PTHREAD_ONCE_INIT;

static void gdal_register(void)
{
    if (GDALGetDriverCount() == 0)
        GDALAllRegister();
}

void cpted__gdal_init(void) { pthread_once(&gdal_once, gdal_register); }

/* ---- numbers independent of the locale ------------------------------- */

/* The host's locale (QGIS and Qt set LC_ALL from the desktop, "de_DE.UTF-8"
 * has a decimal comma) must not change what cpted reads or writes. cpted never
 * calls setlocale (process-global); instead the calling thread switches to the
 * "C" locale for the one conversion (uselocale is per thread, POSIX 2008) and
 * back. glibc's newlocale for "C" returns its built-in locale without
 * allocating; elsewhere it may allocate, and fail. */
typedef struct c_locale c_locale;

static bool c_locale_enter(c_locale *l)
{
    l->c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    if (l->c == (locale_t)0)
        return false;
    l->saved = uselocale(l->c);
    if (l->saved == (locale_t)0) {
        freelocale(l->c);
        return false;
    }
    return true;
}

static void c_locale_leave(c_locale *l)
{
    uselocale(l->saved);
    freelocale(l->c);
}

int cpted__format_double(char *buf, size_t size, int digits, double v)
{
    c_locale l;
    bool in_c = c_locale_enter(&l);
    int n = snprintf(buf, size, "%.*g", digits, v);
    if (in_c) {
        c_locale_leave(&l);
    } else if (n > 0 && (size_t)n < size) {
        /* No C locale object (out of memory): whatever the locale wrote
         * between the digits (a comma, a multibyte separator) becomes the
         * point. %g writes no grouping, so that is the only foreign byte. */
        size_t w = 0;
        bool in_sep = false;
        for (size_t r = 0; buf[r]; r++) {
            char c = buf[r];
            bool ours = (c >= '0' && c <= '9') || c == '-' || c == '+' || c == 'e' ||
                        c == 'E' || c == 'n' || c == 'a' || c == 'i' || c == 'f';
            if (ours) {
                buf[w++] = c;
                in_sep = false;
            } else if (!in_sep) {
                buf[w++] = '.';
                in_sep = true;
            }
        }
        buf[w] = '\0';
        n = (int)w;
    }
    return n;
}

bool cpted__strtod(const char *text, double *out, const char **end_out)
{
    c_locale l;
    if (!c_locale_enter(&l))
        return false;
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    bool ok = end != text && errno != ERANGE;
    c_locale_leave(&l);
    if (!ok)
        return false;
    *out = v;
    *end_out = end;
    return true;
}
