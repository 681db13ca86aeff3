/* xml_out.c - escaping for XML and HTML output; see xml_out.h. */
#include "report/xml_out.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

void xml_put(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			/* XML 1.0 allows no other control character, even escaped */
			if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r')
				fputc(c, f);
		}
	}
}

void xml_printf(FILE *f, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	xml_put(f, buf);
}

void xml_put_href(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("/-._~", c))
			fputc(c, f);
		else
			fprintf(f, "%%%02X", c);
	}
}

int xml_file_write(const char *path, int (*body)(FILE *f, const void *arg), const void *arg)
{
	char tmp[4200];
	FILE *f;
	int ret;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	ret = body(f, arg);
	if (fclose(f) != 0 && !ret)
		ret = -EIO;
	if (!ret && rename(tmp, path) < 0)
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}
