/* xml_out.h - text into XML and HTML files, escaped.
 *
 * Takes: UTF-8 strings from a run's files (case titles, reasons, observed
 * values) and a stdio stream. Gives: the text with &, <, >, " and ' escaped,
 * and the characters XML 1.0 forbids (control characters other than tab,
 * newline and carriage return) left out, so that a stray byte in a peer's
 * message cannot make junit.xml unreadable. Nothing is allocated.
 */
#ifndef XML_OUT_H
#define XML_OUT_H

#include <stdio.h>

/** xml_put() - @s (NULL: nothing) escaped for element text or an attribute value. */
void xml_put(FILE *f, const char *s);

/**
 * xml_printf() - printf() into a buffer of 4 KiB, then xml_put() of the result
 * (a longer result is cut there).
 */
void xml_printf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/**
 * xml_put_href() - the relative path @s as a URL in an attribute: bytes other
 * than letters, digits, "/-._~" percent-encoded (a '#' in a folder's name
 * would start a fragment, a '?' a query).
 */
void xml_put_href(FILE *f, const char *s);

/**
 * xml_file_write() - a file whole or not at all: @body writes into
 * "@path.tmp", which is then renamed over @path (removed on failure), so that
 * a killed writer never leaves half a page or half of junit.xml.
 * Return: 0, @body's negative return, or -errno.
 */
int xml_file_write(const char *path, int (*body)(FILE *f, const void *arg), const void *arg);

#endif
