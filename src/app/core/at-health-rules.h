/* at-health-rules.h — plain-language warnings about a run's layers, each from a rule that
 * can be shown beside it.
 *
 * The rules read the layer statistics of AtRunHealth over the run.  "Now" is the mean of
 * the last AT_HEALTH_RECENT points, so that one noisy batch trips nothing:
 *   dead        a ReLU layer with ≥ 50 % of its units dead on every point since epoch E
 *               (E: where that stretch began)
 *   big steps   update/weight ratio now > 1e-2 (the usual is about 1e-3)
 *   small steps update/weight ratio now < 1e-5
 *   exploding   gradient norm now > 10 × its median over the run, and > 1
 *   vanishing   gradient norm now < 1e-7 (or below 1/1000 of its median)
 *   not finite  a statistic is NaN or infinite
 */
#pragma once

#include <glib.h>

#include "at-run-health.h"

G_BEGIN_DECLS

#define AT_HEALTH_RECENT 3

typedef enum {
  AT_HEALTH_RULE_DEAD,
  AT_HEALTH_RULE_BIG_STEPS,
  AT_HEALTH_RULE_SMALL_STEPS,
  AT_HEALTH_RULE_EXPLODING,
  AT_HEALTH_RULE_VANISHING,
  AT_HEALTH_RULE_NOT_FINITE,
} AtHealthRule;

typedef struct {
  guint        layer;   /* index among the watched layers */
  AtHealthRule rule;
  char        *text;    /* "conv1: 61 % of units dead since epoch 4" */
  const char  *why;     /* the rule, translated: "dead fraction ≥ 50 % on every measured batch since" */
} AtHealthWarning;

void       at_health_warning_free (AtHealthWarning *warning);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtHealthWarning, at_health_warning_free)

/* The warnings that trip now, layer by layer (of AtHealthWarning; empty when all is well or
 * nothing was recorded). */
GPtrArray *at_health_check        (AtRunHealth *health);
/* The same as of the end of `epoch` (1-based): the rules read only the points up to it
 * (at_health_points_until), as if the run had stopped there.  G_MAXUINT: all. */
GPtrArray *at_health_check_until  (AtRunHealth *health,
                                   guint        epoch);

G_END_DECLS
