/* dirs.c - mkdir -p and rm -rf; see dirs.h. */
#include "common/dirs.h"

#include <errno.h>
#include <ftw.h>
#include <unistd.h>
#include <stdio.h>
#include <sys/stat.h>

int dirs_make(const char *path)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return mkdir(buf, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

static int dirs_remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0; /* on with the rest */
}

int dirs_remove(const char *path)
{
	struct stat st;

	nftw(path, dirs_remove_one, 16, FTW_DEPTH | FTW_PHYS);
	return lstat(path, &st) < 0 && errno == ENOENT ? 0 : -ENOTEMPTY;
}
