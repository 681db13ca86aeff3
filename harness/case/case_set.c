/* case_set.c - finding and parsing the case files of a run; see case_set.h. */
#include "case/case_set.h"

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/vec.h"

static int suite_add(struct suite *s, const char *path, FILE *diag)
{
	struct case_def *c = case_parse_file(path, diag);
	struct suite_case *p;
	char copy[4096], *dir;

	if (!c)
		return 2;
	p = vec_push(&s->cases, &s->n_cases, &s->cap_cases, sizeof(*p));
	if (!p) {
		case_free(c);
		return 2;
	}
	p->def = c;
	snprintf(copy, sizeof(copy), "%s", path);
	dir = basename(dirname(copy));
	snprintf(p->id, sizeof(p->id), "%s/%s", dir, c->name);
	return 0;
}

static bool suite_has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && strcmp(s + n - m, suffix) == 0;
}

/* Directories are walked in sorted order so that runs list cases alike. */
static int suite_walk(struct suite *s, const char *path, FILE *diag, int depth)
{
	struct dirent **ents;
	struct stat st;
	int n, ret = 0;

	if (stat(path, &st) < 0) {
		fprintf(diag, "%s: error: %s\n", path, strerror(errno));
		return 2;
	}
	if (!S_ISDIR(st.st_mode))
		return suite_add(s, path, diag);
	if (depth > 8)
		return 0;
	n = scandir(path, &ents, NULL, alphasort);
	if (n < 0) {
		fprintf(diag, "%s: error: %s\n", path, strerror(errno));
		return 2;
	}
	for (int i = 0; i < n; i++) {
		char child[4096];
		const char *name = ents[i]->d_name;

		if (name[0] != '.') {
			size_t len = strlen(path);

			snprintf(child, sizeof(child), "%.*s/%s",
				 (int)(len > 1 && path[len - 1] == '/' ? len - 1 : len), path,
				 name);
			if (stat(child, &st) == 0 &&
			    (S_ISDIR(st.st_mode) || suite_has_suffix(name, ".case")) &&
			    suite_walk(s, child, diag, depth + 1))
				ret = 2;
		}
		free(ents[i]);
	}
	free(ents);
	return ret;
}

int suite_load(struct suite *s, char *const *paths, int n_paths, FILE *diag)
{
	int ret = 0;

	memset(s, 0, sizeof(*s));
	for (int i = 0; i < n_paths; i++)
		if (suite_walk(s, paths[i], diag, 0))
			ret = 2;
	if (!ret && s->n_cases == 0) {
		fprintf(diag, "tcpfault: no case files (*.case) found\n");
		ret = 2;
	}
	return ret;
}

void suite_free(struct suite *s)
{
	for (int i = 0; i < s->n_cases; i++)
		case_free(s->cases[i].def);
	free(s->cases);
	memset(s, 0, sizeof(*s));
}
