/* lab_neigh.h - forget what a lab host learnt of its neighbours: the half
 * of a reboot's "fresh stack" that is not sockets (lab_diag.h destroys
 * those). A booting kernel's neighbour tables (ARP, IPv6 ND) are empty; the
 * entries configured by hand (permanent) and those that need no resolution
 * (noarp: multicast, point-to-point) are configuration, not memory, and stay.
 *
 * Takes: a lab host. Gives: its dynamic neighbour entries deleted, in both
 * families, on every interface.
 */
#ifndef LAB_NEIGH_H
#define LAB_NEIGH_H

#include "lab.h"
#include "tf_err.h"

/**
 * lab_neigh_flush() - delete every neighbour entry of @host that is neither
 * permanent nor noarp (what `ip neigh flush all` removes).
 * Return: the number deleted, or -errno with the detail in @err.
 */
int lab_neigh_flush(struct lab *lab, int host, struct tf_err *err);

#endif
