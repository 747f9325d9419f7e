/* test-run-health.c — a run's health record: bounded memory that keeps the means, events
 * described in words, and the warning rules tripping (and not) on made-up statistics. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "at-health-rules.h"
#include "at-run-health.h"

static const char * const names[] = { "conv1", "fc1" };

static NnLayerStats
stats_at (guint  epoch,
          guint  batch,
          float  dead,
          float  ratio,
          float  grad)
{
  NnLayerStats s = { 0 };

  s.epoch = epoch;
  s.batch = batch;
  s.act_mean = 0.5f;
  s.act_std = 1.0f;
  s.dead_fraction = dead;
  s.grad_norm = grad;
  s.weight_norm = 3.0f;
  s.update_ratio = ratio;
  s.hist[0] = dead;
  s.hist[5] = 1.0f - dead;
  return s;
}

/* 40 epochs of 422 batches, every batch measured: the points stay within the cap, each
 * layer's stay aligned, and a merged point holds the mean of what it stands for. */
static void
test_bounded (void)
{
  g_autoptr(AtRunHealth) health = at_run_health_new ();
  const AtHealthPoint *p, *q;
  guint n = 0, m = 0;
  guint64 step = 0;
  double total = 0.0, merged = 0.0;

  at_run_health_reset (health, TRUE);
  at_run_health_set_layers (health, names, 2);
  for (guint e = 1; e <= 40; e++)
    for (guint b = 1; b <= 422; b++)
      {
        NnLayerStats s[2];

        s[0] = stats_at (e, b, (float) (step % 7) / 7.0f, 1e-3f, 1.0f);
        s[1] = stats_at (e, b, 0.0f, 2e-3f, 0.5f);
        at_run_health_add_stats (health, s, 2, ++step);
        total += s[0].dead_fraction;
      }
  p = at_run_health_get_points (health, 0, &n);
  q = at_run_health_get_points (health, 1, &m);
  g_assert_cmpuint (n, <=, AT_RUN_HEALTH_CAP);
  g_assert_cmpuint (n, >, AT_RUN_HEALTH_CAP / 4);
  g_assert_cmpuint (n, ==, m);
  g_assert_cmpuint (at_run_health_get_n_measured (health), ==, 40 * 422);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (p[i].step, ==, q[i].step);
      merged += (double) p[i].value[AT_HEALTH_DEAD] * p[i].count;
    }
  g_assert_cmpfloat_with_epsilon (merged, total, 1e-3 * total);
  g_assert_cmpuint (p[0].epoch, ==, 1);
  g_assert_cmpuint (p[n - 1].epoch, ==, 40);
}

static void
test_event_text (void)
{
  NnChangeEvent e = { 0 };
  g_autofree char *lr = NULL, *freeze = NULL;

  e.change.epoch = 3;
  e.change.batch = 10;
  e.change.kind = NN_CHANGE_LR;
  e.change.value = 0.0003f;
  e.old_value = 0.001f;
  lr = at_run_health_describe_event (&e);
  g_assert_cmpstr (lr, ==, "epoch 3 batch 10: lr 0.001 → 0.0003");
  e.change.kind = NN_CHANGE_FREEZE;
  g_strlcpy (e.change.layer, "conv2", sizeof e.change.layer);
  freeze = at_run_health_describe_event (&e);
  g_assert_cmpstr (freeze, ==, "epoch 3 batch 10: freeze conv2");
}

static gboolean
has_rule (GPtrArray    *warnings,
          guint         layer,
          AtHealthRule  rule,
          const char   *text)
{
  for (guint i = 0; i < warnings->len; i++)
    {
      AtHealthWarning *w = g_ptr_array_index (warnings, i);

      if (w->layer == layer && w->rule == rule && (text == NULL || g_str_equal (w->text, text)))
        return TRUE;
    }
  return FALSE;
}

/* conv1 dies from epoch 4 on and fc1's steps grow tenfold: both said, with their numbers;
 * a healthy stretch says nothing. */
static void
test_rules (void)
{
  g_autoptr(AtRunHealth) health = at_run_health_new ();
  g_autoptr(GPtrArray) healthy = NULL, sick = NULL;
  guint64 step = 0;

  at_run_health_reset (health, TRUE);
  at_run_health_set_layers (health, names, 2);
  for (guint e = 1; e <= 3; e++)
    for (guint b = 1; b <= 10; b++)
      {
        NnLayerStats s[2] = { stats_at (e, b, 0.1f, 1e-3f, 1.0f), stats_at (e, b, 0.0f, 1e-3f, 1.0f) };

        at_run_health_add_stats (health, s, 2, ++step);
      }
  healthy = at_health_check (health);
  g_assert_cmpuint (healthy->len, ==, 0);

  for (guint e = 4; e <= 5; e++)
    for (guint b = 1; b <= 10; b++)
      {
        NnLayerStats s[2] = { stats_at (e, b, 0.61f, 1e-3f, 1.0f), stats_at (e, b, 0.0f, 1.2e-2f, 30.0f) };

        at_run_health_add_stats (health, s, 2, ++step);
      }
  sick = at_health_check (health);
  g_assert_true (has_rule (sick, 0, AT_HEALTH_RULE_DEAD, "conv1: 61 % of units dead since epoch 4"));
  g_assert_true (has_rule (sick, 1, AT_HEALTH_RULE_BIG_STEPS,
                           "fc1: updates 12× the usual size — learning rate too high?"));
  g_assert_false (has_rule (sick, 0, AT_HEALTH_RULE_BIG_STEPS, NULL));
  g_assert_true (has_rule (sick, 1, AT_HEALTH_RULE_EXPLODING, NULL));
  for (guint i = 0; i < sick->len; i++)
    g_assert_nonnull (((AtHealthWarning *) g_ptr_array_index (sick, i))->why);
}

/* Small updates: a cosine schedule's last batches are tiny on purpose and do not warn; a
 * rate too low all along does, and a layer whose weights stopped changing reads as frozen. */
static void
test_rules_small_steps (void)
{
  g_autoptr(AtRunHealth) health = at_run_health_new ();
  g_autoptr(GPtrArray) annealed = NULL, too_low = NULL, frozen = NULL;
  guint64 step = 0;

  at_run_health_reset (health, TRUE);
  at_run_health_set_layers (health, names, 2);
  /* 10 epochs: the ratio follows a cosine from 1e-3 to 1e-9 (a rate annealed to zero). */
  for (guint e = 1; e <= 10; e++)
    for (guint b = 1; b <= 10; b++)
      {
        double t = (double) step / 100.0;
        float r = (float) (1e-9 + (1e-3 - 1e-9) * 0.5 * (1.0 + cos (G_PI * t)));
        NnLayerStats s[2] = { stats_at (e, b, 0.1f, r, 1.0f), stats_at (e, b, 0.0f, r, 1.0f) };

        at_run_health_add_stats (health, s, 2, ++step);
      }
  annealed = at_health_check (health);
  g_assert_false (has_rule (annealed, 0, AT_HEALTH_RULE_SMALL_STEPS, NULL));
  g_assert_false (has_rule (annealed, 1, AT_HEALTH_RULE_SMALL_STEPS, NULL));

  at_run_health_reset (health, TRUE);
  at_run_health_set_layers (health, names, 2);
  step = 0;
  for (guint e = 1; e <= 3; e++)
    for (guint b = 1; b <= 10; b++)
      {
        NnLayerStats s[2] = { stats_at (e, b, 0.1f, 2e-7f, 1.0f),
                              stats_at (e, b, 0.0f, e == 3 ? 0.0f : 1e-3f, 1.0f) };

        at_run_health_add_stats (health, s, 2, ++step);
      }
  too_low = at_health_check (health);
  g_assert_true (has_rule (too_low, 0, AT_HEALTH_RULE_SMALL_STEPS,
                           "conv1: updates 5000× smaller than usual — learning rate too low?"));
  frozen = g_ptr_array_ref (too_low);
  g_assert_true (has_rule (frozen, 1, AT_HEALTH_RULE_SMALL_STEPS,
                           "fc1: its weights do not change — is it frozen?"));

  /* A layer whose units all died stops changing too: that is the warning, not "frozen?" or
   * "learning rate too low?". */
  {
    g_autoptr(GPtrArray) dead = NULL;

    at_run_health_reset (health, TRUE);
    at_run_health_set_layers (health, names, 2);
    step = 0;
    for (guint e = 1; e <= 3; e++)
      for (guint b = 1; b <= 10; b++)
        {
          NnLayerStats s[2] = { stats_at (e, b, 1.0f, e == 1 && b < 3 ? 1e-3f : 0.0f, 0.0f),
                                stats_at (e, b, 0.0f, 1e-3f, 1.0f) };

          at_run_health_add_stats (health, s, 2, ++step);
        }
    dead = at_health_check (health);
    g_assert_true (has_rule (dead, 0, AT_HEALTH_RULE_DEAD, "conv1: 100 % of units dead since epoch 1"));
    g_assert_false (has_rule (dead, 0, AT_HEALTH_RULE_SMALL_STEPS, NULL));
  }
}

/* conv1's units die only in epoch 3 (of 4, 10 batches each): as of epoch 2 the rules see
 * a healthy run, as of epoch 3 the death, as of epoch 4 and over the whole run the same;
 * the points up to an epoch are found wherever they were merged. */
static void
test_rules_until (void)
{
  g_autoptr(AtRunHealth) health = at_run_health_new ();
  g_autoptr(GPtrArray) as_of_1 = NULL, as_of_2 = NULL, as_of_3 = NULL, as_of_4 = NULL, all = NULL;
  const AtHealthPoint *p;
  guint n = 0;
  guint64 step = 0;

  at_run_health_reset (health, TRUE);
  at_run_health_set_layers (health, names, 2);
  for (guint e = 1; e <= 4; e++)
    for (guint b = 1; b <= 10; b++)
      {
        NnLayerStats s[2] = { stats_at (e, b, e >= 3 ? 0.7f : 0.1f, 1e-3f, 1.0f),
                              stats_at (e, b, 0.0f, 1e-3f, 1.0f) };

        at_run_health_add_stats (health, s, 2, ++step);
      }
  p = at_run_health_get_points (health, 0, &n);
  g_assert_cmpuint (n, ==, 40);
  g_assert_cmpuint (at_health_points_until (p, n, 0), ==, 0);
  g_assert_cmpuint (at_health_points_until (p, n, 2), ==, 20);
  g_assert_cmpuint (at_health_points_until (p, n, 3), ==, 30);
  g_assert_cmpuint (at_health_points_until (p, n, 9), ==, 40);
  g_assert_cmpuint (at_health_points_until (p, n, G_MAXUINT), ==, 40);

  as_of_1 = at_health_check_until (health, 1);
  as_of_2 = at_health_check_until (health, 2);
  as_of_3 = at_health_check_until (health, 3);
  as_of_4 = at_health_check_until (health, 4);
  all = at_health_check (health);
  g_assert_cmpuint (as_of_1->len, ==, 0);
  g_assert_cmpuint (as_of_2->len, ==, 0);
  g_assert_cmpuint (as_of_3->len, ==, 1);
  g_assert_true (has_rule (as_of_3, 0, AT_HEALTH_RULE_DEAD, "conv1: 70 % of units dead since epoch 3"));
  g_assert_true (has_rule (as_of_4, 0, AT_HEALTH_RULE_DEAD, "conv1: 70 % of units dead since epoch 3"));
  g_assert_cmpuint (all->len, ==, 1);
  g_assert_true (has_rule (all, 0, AT_HEALTH_RULE_DEAD, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/run-health/bounded", test_bounded);
  g_test_add_func ("/app/run-health/event-text", test_event_text);
  g_test_add_func ("/app/run-health/rules", test_rules);
  g_test_add_func ("/app/run-health/rules-until", test_rules_until);
  g_test_add_func ("/app/run-health/rules/small-steps", test_rules_small_steps);
  return g_test_run ();
}
