/* at-frame-stats.h — with ATELIER_FRAME_STATS=1, time the window's frames while training
 * and print the figures on stderr when the window goes away. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef struct _AtFrameStats AtFrameStats;

/* NULL unless ATELIER_FRAME_STATS is set. */
AtFrameStats *at_frame_stats_new        (GtkWidget    *widget);
/* Only frames while active count (the window turns it on while training). */
void          at_frame_stats_set_active (AtFrameStats *stats,
                                         gboolean      active);
/* Adds a line measured elsewhere (the longest report dispatch, an epoch's speed) to the
 * printout. */
void          at_frame_stats_note       (AtFrameStats *stats,
                                         const char   *format,
                                         ...) G_GNUC_PRINTF (2, 3);
/* Milliseconds since at_frame_stats_mark_start() (main() calls it first thing). */
void          at_frame_stats_mark_start (void);
double        at_frame_stats_since_start (void);
void          at_frame_stats_free       (AtFrameStats *stats);

G_END_DECLS
