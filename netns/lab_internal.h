/* lab_internal.h - private to netns/lab*.c: switching the calling thread
 * between namespaces, and bringing an interface up in the current namespace.
 *
 * Takes: namespace fds. Gives: the saved fd that switches the thread back.
 * Not for harness/: everything there goes through lab.h and lab_diag.h.
 */
#ifndef LAB_INTERNAL_H
#define LAB_INTERNAL_H

#include <stdbool.h>

#include "tf_err.h"

/**
 * lab_ns_switch() - move the calling thread into the namespace @netns_fd.
 * Return: an O_CLOEXEC fd of the namespace the thread was in (give it to
 * lab_ns_restore()), or -errno with the thread where it was.
 */
int lab_ns_switch(int netns_fd) __attribute__((warn_unused_result));

/**
 * lab_ns_restore() - move the calling thread back into @saved_fd and close it.
 * Aborts if the kernel refuses: a thread left in the wrong namespace would
 * configure the wrong host from then on.
 */
void lab_ns_restore(int saved_fd);

/**
 * lab_link_up_current() - set @ifname administratively up in the calling
 * thread's current namespace; @where names that namespace in error messages.
 * Implemented in lab_link.c. Return: 0 or -errno.
 */
int lab_link_up_current(const char *where, const char *ifname, struct tf_err *err);

#endif
