/* timeline_svg.h - the state timeline of a case as an SVG picture: one
 * swimlane per socket the observer saw, its TCP states over the case clock as
 * coloured bars, retransmissions (red) and keepalive or zero-window probes
 * (blue) as ticks, faults as vertical bands (a host crash until its reboot, an
 * unplug until its replug, a freeze) or lines (kill, readdress, middlebox),
 * the peers' errnos and EOFs as markers on their socket's lane.
 *
 * Takes: a case's events (events.jsonl read by run_files_events(): observer
 * samples "kind":"obs", peer calls, runner "fault" events). Gives: one <svg>
 * element with width and height attributes, written to a stream, ready to
 * inline in HTML (no external reference, no script).
 */
#ifndef TIMELINE_SVG_H
#define TIMELINE_SVG_H

#include <stdio.h>
#include <jansson.h>

#define TIMELINE_SVG_MAX_LANES 16 /* sockets drawn; the rest are counted in a note */

/**
 * timeline_svg_write() - draw @events into @f.
 * Return: 0; -ENODATA (nothing written) when no socket was observed.
 */
int timeline_svg_write(FILE *f, const json_t *events);

#endif
