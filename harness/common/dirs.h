/* dirs.h - a directory and its parents, made as `mkdir -p` would, and a
 * tree removed as `rm -rf` would.
 *
 * Takes: a path. Gives: every missing directory on it (mode 0755), existing
 * ones left as they are (a run's results, a merge's target); or the tree
 * gone (a program's scratch directory). Links are removed, never followed.
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

/**
 * dirs_remove() - remove @path and everything under it, going on past what
 * cannot be removed.
 * Return: 0 when @path is gone (or was never there), -ENOTEMPTY otherwise.
 */
int dirs_remove(const char *path);

#endif
