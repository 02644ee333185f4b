#include "common/error.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char last_message[1024];
static _Thread_local int last_code;

int gmv_fail(int code, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vsnprintf(last_message, sizeof last_message, fmt, args);
    va_end(args);
    /* One line, whatever the untrusted text quoted in it (a section tag, a
     * META string) holds: control characters become '?'. */
    for (char *p = last_message; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    }
    last_code = code;
    return code;
}

void gmv_error_clear(void)
{
    last_message[0] = '\0';
    last_code = GMV_OK;
}

static _Thread_local gmv_progress_fn progress_fn;
static _Thread_local void *progress_ctx;

void gmv_set_progress(gmv_progress_fn fn, void *ctx)
{
    progress_fn = fn;
    progress_ctx = ctx;
}

void gmv_report_progress(const char *stage, uint64_t done, uint64_t total)
{
    if (progress_fn)
        progress_fn(progress_ctx, stage, done, total);
}

const char *gmv_error_last(void)
{
    return last_message;
}

int gmv_error_last_code(void)
{
    return last_code;
}

gmv_limits gmv_limits_resolve(const gmv_limits *limits)
{
    gmv_limits out = {0};
    if (limits)
        out = *limits;
    if (!out.max_bytes)
        out.max_bytes = GMV_DEFAULT_MAX_BYTES;
    if (!out.max_buckets)
        out.max_buckets = GMV_DEFAULT_MAX_BUCKETS;
    if (!out.max_string)
        out.max_string = GMV_DEFAULT_MAX_STRING;
    if (out.max_string > UINT32_MAX)
        out.max_string = UINT32_MAX;
    return out;
}
