/* vec.c - growable arrays by doubling (vec.h). */
#include "common/vec.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int vec_grow(void *items, int *cap, int need, size_t size)
{
	void *v, *nv;
	int ncap = *cap > 0 ? *cap : VEC_MIN_CAP;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap = ncap > INT_MAX / 2 ? need : ncap * 2;
	if (size && (size_t)ncap > SIZE_MAX / size)
		return -EOVERFLOW;
	/* The pointer is read and written through memcpy: @items points at a
	 * T *, and storing through a void ** would alias it as another type. */
	memcpy(&v, items, sizeof(v));
	nv = realloc(v, (size_t)ncap * size);
	if (!nv)
		return -ENOMEM;
	memcpy(items, &nv, sizeof(nv));
	*cap = ncap;
	return 0;
}

void *vec_push(void *items, int *n, int *cap, size_t size)
{
	char *v;

	if (*n == INT_MAX || vec_grow(items, cap, *n + 1, size))
		return NULL;
	memcpy(&v, items, sizeof(v));
	memset(v + (size_t)*n * size, 0, size);
	return v + (size_t)(*n)++ * size;
}
