/* lab_keep.c - give a lab namespace a name, so that it outlives the lab
 * for inspection (`ip netns exec NAME ...`); see lab.h, lab_host_pin(). */
#include "lab.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>

int lab_host_pin(const struct lab *lab, int host, const char *path, struct tf_err *err)
{
	char src[64];
	int fd = lab_host_netns_fd(lab, host);

	if (fd < 0)
		return tf_err_set(err, -EINVAL, "no host %d", host);
	if (mkdir("/run/netns", 0755) < 0 && errno != EEXIST)
		return tf_err_set(err, -errno, "mkdir /run/netns: %s", strerror(errno));
	/* The mount point: an empty file, as ip-netns makes it. */
	int pfd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);

	if (pfd < 0)
		return tf_err_set(err, -errno, "%s: %s", path, strerror(errno));
	close(pfd);
	snprintf(src, sizeof(src), "/proc/self/fd/%d", fd);
	if (mount(src, path, "none", MS_BIND, NULL) < 0) {
		int e = errno;

		unlink(path);
		return tf_err_set(err, -e, "bind %s on %s: %s", src, path, strerror(e));
	}
	return 0;
}
