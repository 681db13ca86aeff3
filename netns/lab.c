/* lab.c - the lab's hosts: one network namespace per host, held as an fd,
 * switching the calling thread into and out of them, and the undo list.
 * Links and addresses live in lab_link.c, sysctls in lab_sysctl.c.
 */
#include "lab.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "lab_internal.h"
#include "lab_need.h"

/*
 * /proc/thread-self, not /proc/self: /proc/self/ns/net is the namespace of the
 * thread-group leader, while setns() and unshare() move only the calling
 * thread (setns(2), proc(5)).
 */
#define LAB_NS_SELF "/proc/thread-self/ns/net"

struct lab_host {
	char name[LAB_NAME_MAX];
	int netns_fd;
};

struct lab_undo {
	lab_defer_fn fn;
	void *arg;
	struct lab_undo *next; /* the one registered before this one */
};

struct lab {
	struct lab_host hosts[LAB_MAX_HOSTS];
	int nhosts;
	struct lab_undo *undo; /* most recent first */
};

int lab_ns_switch(int netns_fd)
{
	int saved, ret;

	saved = open(LAB_NS_SELF, O_RDONLY | O_CLOEXEC);
	if (saved < 0)
		return -errno;
	if (setns(netns_fd, CLONE_NEWNET) < 0) {
		ret = -errno;
		close(saved);
		return ret;
	}
	return saved;
}

void lab_ns_restore(int saved_fd)
{
	if (saved_fd < 0)
		return;
	/*
	 * setns() into a namespace whose fd we hold can only fail for lack of
	 * memory. Going on would run the next netlink request or sysctl write
	 * in whichever namespace the thread happens to be in: stop instead.
	 */
	if (setns(saved_fd, CLONE_NEWNET) < 0)
		abort();
	close(saved_fd);
}

/*
 * unshare() moves only the calling thread: any other thread would stay in the
 * host's namespace. /proc/<pid>/task has 2 + (number of threads) links
 * (proc_task_getattr()).
 */
static int lab_check_single_threaded(struct tf_err *err)
{
	struct stat st;

	if (stat("/proc/self/task", &st) < 0)
		return 0; /* no /proc: setns() paths fail later with a clear message */
	if (st.st_nlink > 3)
		return tf_err_set(
			err, -EBUSY,
			"private network namespace: %lu threads running, call it before any starts",
			(unsigned long)st.st_nlink - 2);
	return 0;
}

/*
 * Every lab namespace is created from the private one, and reads
 * tcp_child_ehash_entries there (Linux 6.1+): a non-zero value gives each a TCP
 * hash table of its own instead of the host's global one, sized for the
 * machine (hundreds of thousands of buckets). The observer dumps every lab
 * namespace every 10 ms, and a dump walks the whole table, so with the global
 * one the dumps cost most of a core. Written in the private namespace only;
 * older kernels lack the knob and keep the global table.
 */
static void lab_private_small_ehash(void)
{
	int fd = open("/proc/sys/net/ipv4/tcp_child_ehash_entries", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, "1024", 4) < 0) {
		/* the global table still works: only slower */
	}
	close(fd);
}

int lab_ns_enter_private(struct tf_err *err)
{
	int ret;

	ret = lab_check_single_threaded(err);
	if (ret < 0)
		return ret;
	if (unshare(CLONE_NEWNET) < 0) {
		ret = -errno;
		if (ret == -EPERM)
			return tf_err_set(err, ret,
					  "private network namespace: missing " LAB_NEED_PRIV
					  " (run as root; in a container: --privileged)");
		return tf_err_set(err, ret, "private network namespace: unshare: %s",
				  strerror(-ret));
	}
	lab_private_small_ehash();
	/* A new namespace starts with lo down; the orchestrator's own probes use it. */
	return lab_link_up_current("private namespace", "lo", err);
}

struct lab *lab_new(void)
{
	struct lab *lab = calloc(1, sizeof(*lab));
	int i;

	if (!lab)
		return NULL;
	for (i = 0; i < LAB_MAX_HOSTS; i++)
		lab->hosts[i].netns_fd = -1;
	return lab;
}

void lab_free(struct lab *lab)
{
	struct lab_undo *u;
	int i;

	if (!lab)
		return;
	/* Undo first: an undo action may still need to enter a host. */
	while ((u = lab->undo)) {
		lab->undo = u->next;
		u->fn(u->arg);
		free(u);
	}
	/*
	 * The last reference goes with the fd: the kernel then tears the
	 * namespace down (asynchronously, in cleanup_net()), with every veth
	 * end in it, and the peer end with it.
	 */
	for (i = 0; i < lab->nhosts; i++)
		if (lab->hosts[i].netns_fd >= 0)
			close(lab->hosts[i].netns_fd);
	free(lab);
}

int lab_defer(struct lab *lab, lab_defer_fn fn, void *arg)
{
	struct lab_undo *u;

	if (!lab || !fn)
		return -EINVAL;
	u = malloc(sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->fn = fn;
	u->arg = arg;
	u->next = lab->undo;
	lab->undo = u;
	return 0;
}

static int lab_host_name_check(const struct lab *lab, const char *name, struct tf_err *err)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0 || len >= LAB_NAME_MAX)
		return tf_err_set(err, -EINVAL, "host name '%s': must be 1 to %d characters",
				  name ? name : "(null)", LAB_NAME_MAX - 1);
	if (lab_host_find(lab, name) >= 0)
		return tf_err_set(err, -EEXIST, "host %s: already in the lab", name);
	if (lab->nhosts >= LAB_MAX_HOSTS)
		return tf_err_set(err, -ENOSPC, "host %s: the lab holds at most %d hosts", name,
				  LAB_MAX_HOSTS);
	return 0;
}

/*
 * Runs inside the new namespace: unshare() has just moved the thread there.
 * Returns its fd, with lo up.
 */
static int lab_host_open_current(const char *name, struct tf_err *err)
{
	char where[LAB_NAME_MAX + 8];
	int fd, ret;

	fd = open(LAB_NS_SELF, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		return tf_err_set(err, ret, "host %s: open %s: %s", name, LAB_NS_SELF,
				  strerror(-ret));
	}
	snprintf(where, sizeof(where), "host %s", name);
	ret = lab_link_up_current(where, "lo", err);
	if (ret < 0) {
		close(fd);
		return ret;
	}
	return fd;
}

int lab_host_add(struct lab *lab, const char *name, struct tf_err *err)
{
	int saved, fd, ret;

	if (!lab)
		return tf_err_set(err, -EINVAL, "lab_host_add: no lab");
	ret = lab_host_name_check(lab, name, err);
	if (ret < 0)
		return ret;
	/* Saved before unshare(): the way back for this thread. */
	saved = open(LAB_NS_SELF, O_RDONLY | O_CLOEXEC);
	if (saved < 0) {
		ret = -errno;
		return tf_err_set(err, ret, "host %s: open %s: %s", name, LAB_NS_SELF,
				  strerror(-ret));
	}
	if (unshare(CLONE_NEWNET) < 0) {
		ret = -errno;
		close(saved);
		return tf_err_set(err, ret, "host %s: unshare(CLONE_NEWNET): %s", name,
				  strerror(-ret));
	}
	fd = lab_host_open_current(name, err);
	lab_ns_restore(saved);
	if (fd < 0)
		return fd; /* the namespace dies here: nothing refers to it any more */

	memcpy(lab->hosts[lab->nhosts].name, name, strlen(name) + 1);
	lab->hosts[lab->nhosts].netns_fd = fd;
	return lab->nhosts++;
}

int lab_host_count(const struct lab *lab)
{
	return lab ? lab->nhosts : 0;
}

static bool lab_host_valid(const struct lab *lab, int host)
{
	return lab && host >= 0 && host < lab->nhosts;
}

const char *lab_host_name(const struct lab *lab, int host)
{
	return lab_host_valid(lab, host) ? lab->hosts[host].name : NULL;
}

int lab_host_netns_fd(const struct lab *lab, int host)
{
	return lab_host_valid(lab, host) ? lab->hosts[host].netns_fd : -1;
}

int lab_host_find(const struct lab *lab, const char *name)
{
	int i;

	if (!lab || !name)
		return -ENOENT;
	for (i = 0; i < lab->nhosts; i++)
		if (strcmp(lab->hosts[i].name, name) == 0)
			return i;
	return -ENOENT;
}

int lab_enter(const struct lab *lab, int host)
{
	if (!lab_host_valid(lab, host))
		return -EINVAL;
	return lab_ns_switch(lab->hosts[host].netns_fd);
}

void lab_leave(int saved_fd)
{
	lab_ns_restore(saved_fd);
}
