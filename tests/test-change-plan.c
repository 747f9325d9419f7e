/* test-change-plan.c — the text form of changes, plan order and due changes, event JSON. */
#include <math.h>
#include <string.h>
#include "nn-change-plan.h"

static void
test_parse_valid (void)
{
  const struct { const char *text; guint epoch, batch; NnChangeKind kind; float value;
                 guint index; const char *layer; const char *canonical; } cases[] = {
    { "20:lr=0.0003", 20, 1, NN_CHANGE_LR, 0.0003f, 0, "", "20:lr=0.0003" },
    { "3.10:l2=1e-4", 3, 10, NN_CHANGE_L2, 1e-4f, 0, "", "3.10:l2=0.0001" },
    { "20:dropout3=0.2", 20, 1, NN_CHANGE_DROPOUT, 0.2f, 3, "", "20:dropout3=0.2" },
    { "5:schedule=cosine", 5, 1, NN_CHANGE_SCHEDULE, 2.0f, 0, "", "5:schedule=cosine" },
    { "1.1:momentum=0.9", 1, 1, NN_CHANGE_MOMENTUM, 0.9f, 0, "", "1:momentum=0.9" },
    { "2:beta2=0.99", 2, 1, NN_CHANGE_BETA2, 0.99f, 0, "", "2:beta2=0.99" },
    { "7.2:freeze=conv1", 7, 2, NN_CHANGE_FREEZE, 0.0f, 0, "conv1", "7.2:freeze=conv1" },
    { "9:unfreeze=fc2", 9, 1, NN_CHANGE_UNFREEZE, 0.0f, 0, "fc2", "9:unfreeze=fc2" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      NnChange c, back;

      g_assert_true (nn_change_parse (cases[i].text, &c, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (c.epoch, ==, cases[i].epoch);
      g_assert_cmpuint (c.batch, ==, cases[i].batch);
      g_assert_cmpint (c.kind, ==, cases[i].kind);
      g_assert_true (c.value == cases[i].value);
      g_assert_cmpuint (c.index, ==, cases[i].index);
      g_assert_cmpstr (c.layer, ==, cases[i].layer);
      text = nn_change_to_string (&c);
      g_assert_cmpstr (text, ==, cases[i].canonical);
      g_assert_true (nn_change_parse (text, &back, NULL));
      g_assert_true (memcmp (&back, &c, sizeof c) == 0);
    }
}

static void
test_parse_invalid (void)
{
  const struct { const char *text; const char *says; } cases[] = {
    { "20", "no “:”" },
    { "0:lr=0.1", "epoch" },
    { "x:lr=0.1", "epoch" },
    { "3.0:lr=0.1", "batch" },
    { "3.:lr=0.1", "batch" },
    { "3:lr", "no “=”" },
    { "3:speed=2", "not a setting" },
    { "3:dropout=0.2", "not a setting" },
    { "3:lr=abc", "not a number" },
    { "3:lr=0", "> 0" },
    { "3:lr=nan", "not a number" },
    { "3:lr=1e999", "not a number" },
    { "3:l2=-1", "≥ 0" },
    { "3:dropout1=1", "[0, 1)" },
    { "3:schedule=linear", "constant, step or cosine" },
    { "3:freeze=", "layer name" },
    { "3:freeze=conv 1", "layer name" },
    { "99999999999:lr=0.1", "epoch" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      NnChange c;

      g_assert_false (nn_change_parse (cases[i].text, &c, &error));
      g_assert_error (error, NN_CHANGE_ERROR, NN_CHANGE_ERROR_PARSE);
      g_assert_nonnull (strstr (error->message, cases[i].text));
      if (strstr (error->message, cases[i].says) == NULL)
        g_error ("“%s”: message “%s” does not say “%s”", cases[i].text, error->message,
                 cases[i].says);
    }
}

static void
test_plan_order (void)
{
  g_autoptr(NnChangePlan) plan = nn_change_plan_new ();
  const NnChange *due;
  guint n;

  g_assert_true (nn_change_plan_add_text (plan, "5:lr=0.1", NULL));
  g_assert_true (nn_change_plan_add_text (plan, "2.3:l2=0.01", NULL));
  g_assert_true (nn_change_plan_add_text (plan, "5:lr=0.2", NULL));
  g_assert_true (nn_change_plan_add_text (plan, "2:lr=0.3", NULL));
  g_assert_cmpuint (nn_change_plan_len (plan), ==, 4);
  g_assert_cmpuint (nn_change_plan_get (plan, 0)->epoch, ==, 2);
  g_assert_cmpuint (nn_change_plan_get (plan, 0)->batch, ==, 1);
  g_assert_cmpuint (nn_change_plan_get (plan, 1)->batch, ==, 3);
  /* Two at one place keep their order. */
  g_assert_true (nn_change_plan_get (plan, 2)->value == 0.1f);
  g_assert_true (nn_change_plan_get (plan, 3)->value == 0.2f);

  due = nn_change_plan_take_due (plan, 1, 1, &n);
  g_assert_cmpuint (n, ==, 0);
  g_assert_null (due);
  due = nn_change_plan_take_due (plan, 2, 2, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_true (due[0].value == 0.3f);
  due = nn_change_plan_take_due (plan, 2, 2, &n);
  g_assert_cmpuint (n, ==, 0);
  due = nn_change_plan_take_due (plan, 9, 1, &n);
  g_assert_cmpuint (n, ==, 3);

  /* A resumed run skips what came before its position. */
  nn_change_plan_skip_to (plan, 2, 3);
  due = nn_change_plan_take_due (plan, 2, 3, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpuint (due[0].kind, ==, NN_CHANGE_L2);
}

static void
test_events_json (void)
{
  NnChangeEvent events[3] = { 0 };
  g_autofree char *json = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GArray) back = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (nn_change_parse ("3.10:lr=0.0003", &events[0].change, NULL));
  events[0].step = 480;
  events[0].old_value = 0.001f;
  g_assert_true (nn_change_parse ("4:schedule=step", &events[1].change, NULL));
  events[1].step = 705;
  events[1].old_value = 0.0f;
  g_assert_true (nn_change_parse ("4:freeze=conv2", &events[2].change, NULL));
  events[2].step = 705;

  text = nn_change_event_to_string (&events[0]);
  g_assert_cmpstr (text, ==, "3.10:lr=0.001->0.0003");
  json = nn_change_events_to_json (events, 3);
  back = nn_change_events_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_true (memcmp (&g_array_index (back, NnChangeEvent, i), &events[i],
                           sizeof events[i]) == 0);

  g_clear_pointer (&back, g_array_unref);
  back = nn_change_events_from_json ("[{\"step\":1,\"change\":\"3:lr=x\",\"old\":\"1\"}]", &error);
  g_assert_null (back);
  g_assert_error (error, NN_CHANGE_ERROR, NN_CHANGE_ERROR_PARSE);
  g_clear_error (&error);
  back = nn_change_events_from_json ("{}", &error);
  g_assert_null (back);
  g_assert_nonnull (error);
}

/* An event after the first epoch tells the epoch's length; events of the first epoch, or
 * whose step does not fit their place, do not. */
static void
test_events_batches_per_epoch (void)
{
  NnChangeEvent events[3] = { 0 };

  events[0].change = (NnChange) { .epoch = 1, .batch = 5, .kind = NN_CHANGE_LR, .value = 0.01f };
  events[0].step = 4;
  g_assert_cmpuint (nn_change_events_batches_per_epoch (events, 1), ==, 0);
  g_assert_cmpuint (nn_change_events_batches_per_epoch (NULL, 0), ==, 0);

  /* Epoch 2, batch 10 of a 47-batch epoch: 47 + 9 batches before it. */
  events[1].change = (NnChange) { .epoch = 2, .batch = 10, .kind = NN_CHANGE_LR, .value = 0.001f };
  events[1].step = 56;
  g_assert_cmpuint (nn_change_events_batches_per_epoch (events, 2), ==, 47);

  /* A step that cannot be: epoch 3, batch 1 after 7 batches (3.5 an epoch) is skipped. */
  events[2] = events[1];
  events[1].change.epoch = 3;
  events[1].change.batch = 1;
  events[1].step = 7;
  events[2].change.epoch = 4;
  events[2].change.batch = 2;
  events[2].step = 3 * 47 + 1;
  g_assert_cmpuint (nn_change_events_batches_per_epoch (events, 2), ==, 0);
  g_assert_cmpuint (nn_change_events_batches_per_epoch (events, 3), ==, 47);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/change-plan/parse/valid", test_parse_valid);
  g_test_add_func ("/engine/change-plan/parse/invalid", test_parse_invalid);
  g_test_add_func ("/engine/change-plan/plan/order", test_plan_order);
  g_test_add_func ("/engine/change-plan/events/json", test_events_json);
  g_test_add_func ("/engine/change-plan/events/batches-per-epoch", test_events_batches_per_epoch);
  return g_test_run ();
}
