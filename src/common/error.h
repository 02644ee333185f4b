/* Internal: setting the last error. Public read side is in gomapviz/common.h. */
#ifndef GMV_INTERNAL_ERROR_H
#define GMV_INTERNAL_ERROR_H

#include "gomapviz/common.h"

/* Records `code` with a printf-style one-line message for gmv_error_last();
 * returns `code` so callers can write `return gmv_fail(GMV_ERR_IO, "...")`. */
int gmv_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reports progress to this thread's callback, if any (gmv_set_progress). */
void gmv_report_progress(const char *stage, uint64_t done, uint64_t total);

/* How messages name `option`: what gmv_set_option_name set, or the API's name. */
const char *gmv_option_name(gmv_option option);

/* Clears the last error. */
void gmv_error_clear(void);

#endif
