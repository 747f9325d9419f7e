/* at-health-rules.c — the rules of at-health-rules.h over a run's layer statistics. */
#define G_LOG_DOMAIN "at-health-rules"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>

#include "at-health-rules.h"

#define DEAD_LIMIT        0.5
#define BIG_STEP          1e-2
#define USUAL_STEP        1e-3
#define SMALL_STEP        1e-5
#define EXPLODING_FACTOR  10.0
#define VANISHING_NORM    1e-7
#define VANISHING_FACTOR  1e-3

void
at_health_warning_free (AtHealthWarning *warning)
{
  if (warning == NULL)
    return;
  g_free (warning->text);
  g_free (warning);
}

/* The mean of `metric` over the last AT_HEALTH_RECENT points (NAN when any is NAN). */
static double
recent (const AtHealthPoint *p,
        guint                n,
        AtHealthMetric       metric)
{
  guint from = n > AT_HEALTH_RECENT ? n - AT_HEALTH_RECENT : 0;
  double sum = 0.0;

  for (guint i = from; i < n; i++)
    sum += p[i].value[metric];
  return sum / (n - from);
}

static int
compare_float (const void *a,
               const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;

  return (x > y) - (x < y);
}

static double
median (const AtHealthPoint *p,
        guint                n,
        AtHealthMetric       metric)
{
  g_autofree float *v = g_new (float, n);
  guint m = 0;

  for (guint i = 0; i < n; i++)
    if (isfinite (p[i].value[metric]))
      v[m++] = p[i].value[metric];
  if (m == 0)
    return NAN;
  qsort (v, m, sizeof (float), compare_float);
  return v[m / 2];
}

static void
add (GPtrArray    *out,
     guint         layer,
     AtHealthRule  rule,
     const char   *why,
     char         *text)
{
  AtHealthWarning *w = g_new0 (AtHealthWarning, 1);

  w->layer = layer;
  w->rule = rule;
  w->why = why;
  w->text = text;
  g_ptr_array_add (out, w);
}

/* Dead on every point of the trailing stretch: the epoch where it began, or 0. */
static guint
dead_since (const AtHealthPoint *p,
            guint                n)
{
  guint i = n;

  while (i > 0 && p[i - 1].value[AT_HEALTH_DEAD] >= DEAD_LIMIT)
    i--;
  return i < n ? p[i].epoch : 0;
}

static void
check_layer (AtRunHealth *health,
             guint        k,
             guint        until,
             GPtrArray   *out)
{
  const char *name = at_run_health_get_layer_name (health, k);
  guint n = 0;
  const AtHealthPoint *p = at_run_health_get_points (health, k, &n);
  double dead, ratio, grad, grad_median, ratio_median;
  guint since;

  /* As of epoch `until`, what came later has not happened yet: "now" and "over the run"
   * both end there. */
  n = at_health_points_until (p, n, until);
  if (n == 0)
    return;
  dead = recent (p, n, AT_HEALTH_DEAD);
  ratio = recent (p, n, AT_HEALTH_UPDATE_RATIO);
  grad = recent (p, n, AT_HEALTH_GRAD_NORM);
  grad_median = median (p, n, AT_HEALTH_GRAD_NORM);
  ratio_median = median (p, n, AT_HEALTH_UPDATE_RATIO);

  if (!isfinite (grad) || !isfinite (recent (p, n, AT_HEALTH_ACT_MEAN))
      || !isfinite (recent (p, n, AT_HEALTH_WEIGHT_NORM)))
    {
      /* Translators: "fc1: …"; NaN and infinity are the names of the values */
      add (out, k, AT_HEALTH_RULE_NOT_FINITE, _("a statistic is NaN or infinite"),
           g_strdup_printf (_("%s: its numbers are no longer finite (NaN or infinity) — the run has diverged"), name));
      return;
    }
  since = dead_since (p, n);
  if (!isnan (dead) && since > 0)
    add (out, k, AT_HEALTH_RULE_DEAD,
         _("dead fraction ≥ 0.5 on every measured batch since then"),
         /* Translators: "conv3: 61 % of units dead since epoch 4" */
         g_strdup_printf (_("%s: %.0f %% of units dead since epoch %u"), name, 100.0 * dead, since));
  if (isfinite (ratio) && ratio > BIG_STEP)
    add (out, k, AT_HEALTH_RULE_BIG_STEPS,
         _("update/weight ratio > 0.01 (the usual is about 0.001)"),
         /* Translators: "fc1: updates 12× the usual size — …" */
         g_strdup_printf (_("%s: updates %.0f× the usual size — learning rate too high?"),
                          name, ratio / USUAL_STEP));
  /* Dead units explain small or no updates: the warning above says so already. */
  else if (since > 0)
    ;
  else if (ratio == 0.0)
    add (out, k, AT_HEALTH_RULE_SMALL_STEPS, _("update/weight ratio 0 on the latest batches"),
         g_strdup_printf (_("%s: its weights do not change — is it frozen?"), name));
  /* Over the run, not the latest batches: a decaying schedule (cosine, step) makes the last
   * updates tiny on purpose, and that is no reason to warn. */
  else if (isfinite (ratio_median) && ratio_median < SMALL_STEP)
    add (out, k, AT_HEALTH_RULE_SMALL_STEPS, _("median update/weight ratio over the run < 0.00001"),
         g_strdup_printf (_("%s: updates %.0f× smaller than usual — learning rate too low?"),
                          name, USUAL_STEP / ratio_median));
  if (isfinite (grad_median) && grad > EXPLODING_FACTOR * grad_median && grad > 1.0)
    add (out, k, AT_HEALTH_RULE_EXPLODING, _("gradient norm > 10 × its median over the run, and > 1"),
         g_strdup_printf (_("%s: gradients exploding (norm %.3g, %.0f× its usual)"), name, grad,
                          grad / grad_median));
  /* A frozen layer's gradient is zeroed on purpose: its warning is the one above. */
  else if (ratio != 0.0
           && (grad < VANISHING_NORM || (grad_median > 0 && grad < VANISHING_FACTOR * grad_median)))
    add (out, k, AT_HEALTH_RULE_VANISHING,
         _("gradient norm < 1e-7, or below 1/1000 of its median over the run"),
         g_strdup_printf (_("%s: gradients vanishing (norm %.2g) — it has stopped learning"), name, grad));
}

GPtrArray *
at_health_check_until (AtRunHealth *health,
                       guint        epoch)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) at_health_warning_free);

  g_return_val_if_fail (AT_IS_RUN_HEALTH (health), out);

  for (guint k = 0; k < at_run_health_get_n_layers (health); k++)
    check_layer (health, k, epoch, out);
  return out;
}

GPtrArray *
at_health_check (AtRunHealth *health)
{
  return at_health_check_until (health, G_MAXUINT);
}
