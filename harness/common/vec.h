/* vec.h - growable arrays: one way to make room, for any element type.
 *
 * Takes: the address of a caller's array pointer (a T **, passed as void *),
 * its capacity and count as ints, and the element size. Gives: room for more
 * elements, by doubling (from VEC_MIN_CAP), so n appends cost O(n) copies.
 * The caller keeps its own typed pointer, count and capacity fields; an array
 * starts as { NULL, 0, 0 } and is released with free().
 *
 *	struct row *rows = NULL;
 *	int n = 0, cap = 0;
 *	struct row *r = vec_push(&rows, &n, &cap, sizeof(*rows));
 */
#ifndef COMMON_VEC_H
#define COMMON_VEC_H

#include <stddef.h>

#define VEC_MIN_CAP 8

/**
 * vec_grow() - make the array at *@items hold at least @need elements of @size
 * bytes, doubling *@cap (from VEC_MIN_CAP) until it does. Elements already
 * there keep their values (realloc()); the new room is not initialised.
 * Return: 0, or -ENOMEM (the array and *@cap unchanged), -EOVERFLOW if @need
 * elements would not fit in memory sizes.
 */
int vec_grow(void *items, int *cap, int need, size_t size) __attribute__((warn_unused_result));

/**
 * vec_push() - append one zeroed element of @size bytes to the array at
 * *@items (count *@n, capacity *@cap), growing it with vec_grow().
 * Return: the new element (valid until the next growth), or NULL if out of
 * memory (the array and the count unchanged).
 */
void *vec_push(void *items, int *n, int *cap, size_t size);

#endif
