/* lab_sysctl.c - per-namespace sysctls of the lab's hosts, through /proc/sys.
 *
 * /proc/sys/net resolves against the network namespace of the thread that
 * opens the file (the sysctl set is chosen from current->nsproxy at lookup),
 * so each file is opened after lab_enter() and closed before lab_leave().
 * Only "net." keys are accepted: every other sysctl is global, and the lab
 * must never change the host.
 */
#include "lab.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lab_internal.h"

#define LAB_SYSCTL_VAL_MAX 1024 /* longest value read back (tcp_rmem is ~30) */

/*
 * lab_sysctl_path() - "net.ipv4.tcp_retries2" -> "/proc/sys/net/ipv4/tcp_retries2".
 * A '/' would let a key name any path below /proc/sys/net (".." included once
 * joined with dots); "a..b" or a trailing dot has an empty part.
 */
static int lab_sysctl_path(const char *where, const char *key, char *path, size_t len,
			   struct tf_err *err)
{
	size_t klen = key ? strlen(key) : 0;
	char *p;

	if (klen <= 4 || strncmp(key, "net.", 4) != 0 || strchr(key, '/') || strstr(key, "..") ||
	    key[klen - 1] == '.')
		return tf_err_set(
			err, -EINVAL,
			"%s: sysctl key '%s' refused: only net.* keys, dots as separators", where,
			key ? key : "(null)");
	if ((size_t)snprintf(path, len, "/proc/sys/%s", key) >= len)
		return tf_err_set(err, -ENAMETOOLONG, "%s: sysctl key '%s' is too long", where,
				  key);
	for (p = path + strlen("/proc/sys/"); *p; p++)
		if (*p == '.')
			*p = '/';
	return 0;
}

/* Runs of whitespace to one space, none at either end: "4096\t131072\n" -> "4096 131072". */
static void lab_fold_space(char *s)
{
	char *out = s, *start = s;
	bool gap = false;

	for (; *s; s++) {
		if (isspace((unsigned char)*s)) {
			gap = out != start;
			continue;
		}
		if (gap)
			*out++ = ' ';
		gap = false;
		*out++ = *s;
	}
	*out = '\0';
}

/* Read the whole file at @path into @buf (NUL-terminated). 0 or -errno. */
static int lab_sysctl_read(const char *path, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (got < len - 1) {
		n = read(fd, buf + got, len - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (ret == 0 && got == len - 1)
		ret = -ERANGE;
	buf[got] = '\0';
	close(fd);
	return ret;
}

/*
 * One write(): a sysctl handler parses the value from the start of one call.
 * Opening tells whether the knob exists (-ENOENT, -EACCES); an error from
 * write() is the handler refusing the value (EINVAL, ERANGE, or ENOENT for an
 * unknown congestion control): *@refused says which.
 */
static int lab_sysctl_write(const char *path, const char *value, bool *refused)
{
	size_t len = strlen(value);
	ssize_t n;
	int fd, ret = 0;

	*refused = false;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, len);
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != len)
		ret = -EIO;
	*refused = ret < 0;
	close(fd);
	return ret;
}

/* @what failed with @ret on @key: the message says which. */
static int lab_sysctl_fail(const char *where, const char *key, const char *what, int ret,
			   struct tf_err *err)
{
	if (ret == -ENOENT)
		return tf_err_set(err, ret, "%s: sysctl %s does not exist on this kernel", where,
				  key);
	if (ret == -EACCES)
		return tf_err_set(err, ret, "%s: sysctl %s is read-only", where, key);
	return tf_err_set(err, ret, "%s: sysctl %s: %s: %s", where, key, what, strerror(-ret));
}

/* Where @key of @host is: the host as error messages name it, the /proc path. */
struct lab_sysctl_at {
	char where[LAB_NAME_MAX + 8];
	char path[PATH_MAX];
};

/* Fill @at for @key of @host. 0, or -EINVAL (no such host, a bad key) with @err set. */
static int lab_sysctl_locate(struct lab *lab, int host, const char *key, struct lab_sysctl_at *at,
			     struct tf_err *err)
{
	if (!lab_host_name(lab, host))
		return tf_err_set(err, -EINVAL, "no host with index %d in the lab", host);
	snprintf(at->where, sizeof(at->where), "host %s", lab_host_name(lab, host));
	return lab_sysctl_path(at->where, key, at->path, sizeof(at->path), err);
}

/* lab_enter() of @host, its failure said in @err. The saved fd, or -errno. */
static int lab_sysctl_enter(struct lab *lab, int host, const char *where, struct tf_err *err)
{
	int saved = lab_enter(lab, host);

	if (saved < 0)
		return tf_err_set(err, saved, "%s: cannot enter its namespace: %s", where,
				  strerror(-saved));
	return saved;
}

int lab_sysctl_set(struct lab *lab, int host, const char *key, const char *value,
		   struct tf_err *err)
{
	char want[LAB_SYSCTL_VAL_MAX], got[LAB_SYSCTL_VAL_MAX];
	const char *where, *path;
	struct lab_sysctl_at at;
	bool refused;
	int saved, ret;

	ret = lab_sysctl_locate(lab, host, key, &at, err);
	if (ret < 0)
		return ret;
	where = at.where;
	path = at.path;
	if (!value || strlen(value) >= sizeof(want))
		return tf_err_set(err, -EINVAL, "%s: %s: no value, or longer than %d bytes", where,
				  key, LAB_SYSCTL_VAL_MAX - 1);
	saved = lab_sysctl_enter(lab, host, where, err);
	if (saved < 0)
		return saved;
	ret = lab_sysctl_write(path, value, &refused);
	if (ret == 0)
		ret = lab_sysctl_read(path, got, sizeof(got));
	lab_leave(saved);
	if (refused)
		return tf_err_set(err, -EINVAL, "%s: %s: kernel refused '%s': %s", where, key,
				  value, strerror(-ret));
	if (ret < 0)
		return lab_sysctl_fail(where, key, "write and read back", ret, err);

	/* The kernel prints vectors with tabs (tcp_rmem): compare modulo spacing. */
	strcpy(want, value);
	lab_fold_space(want);
	lab_fold_space(got);
	if (strcmp(want, got) != 0)
		return tf_err_set(err, -EINVAL, "%s: %s: wrote '%s', kernel reads back '%s'", where,
				  key, want, got);
	return 0;
}

int lab_sysctl_get(struct lab *lab, int host, const char *key, char *buf, size_t len,
		   struct tf_err *err)
{
	char got[LAB_SYSCTL_VAL_MAX];
	struct lab_sysctl_at at;
	const char *where;
	int saved, ret;

	ret = lab_sysctl_locate(lab, host, key, &at, err);
	if (ret < 0)
		return ret;
	where = at.where;
	if (!buf || len == 0)
		return tf_err_set(err, -EINVAL, "%s: %s: no buffer", where, key);
	saved = lab_sysctl_enter(lab, host, where, err);
	if (saved < 0)
		return saved;
	ret = lab_sysctl_read(at.path, got, sizeof(got));
	lab_leave(saved);
	if (ret < 0)
		return lab_sysctl_fail(where, key, "read", ret, err);
	lab_fold_space(got);
	if (strlen(got) >= len)
		return tf_err_set(err, -ERANGE, "%s: %s: value '%s' does not fit in %zu bytes",
				  where, key, got, len);
	strcpy(buf, got);
	return 0;
}
