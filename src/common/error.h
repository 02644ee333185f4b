/* Internal: setting the last error. Public read side is in gomapviz/common.h. */
#ifndef GMV_INTERNAL_ERROR_H
#define GMV_INTERNAL_ERROR_H

#include "gomapviz/common.h"

/* Records `code` with a printf-style one-line message for gmv_error_last();
 * returns `code` so callers can write `return gmv_fail(GMV_ERR_IO, "...")`. */
int gmv_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Clears the last error. */
void gmv_error_clear(void);

#endif
