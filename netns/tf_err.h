/* tf_err.h - caller-owned error detail shared by netns/ and harness/.
 *
 * Functions return 0 (or a count) on success and -errno on failure; when they
 * fail they may also write a human-readable detail (ext-ack text, nft message,
 * path) into a struct tf_err the caller passed. Never read errno later.
 */
#ifndef TF_ERR_H
#define TF_ERR_H

#include <stdarg.h>
#include <stdio.h>

struct tf_err {
	char msg[512];
};

/* Write a formatted detail into @err (NULL is allowed and ignored); returns @ret
 * so that callers can write "return tf_err_set(err, -EINVAL, "...")". */
static inline int tf_err_set(struct tf_err *err, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline int tf_err_set(struct tf_err *err, int ret, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return ret;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return ret;
}

#endif
