/* dirs.h - a directory and its parents, made as `mkdir -p` would.
 *
 * Takes: a path. Gives: every missing directory on it (mode 0755), existing
 * ones left as they are. Used for a run's results and a merge's target.
 */
#ifndef COMMON_DIRS_H
#define COMMON_DIRS_H

/**
 * dirs_make() - make @path and its missing parents (a path longer than 4095
 * bytes is cut there).
 * Return: 0, or -errno of the first mkdir() that failed for another reason
 * than the directory existing.
 */
int dirs_make(const char *path);

#endif
