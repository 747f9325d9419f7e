/* nn-layer-stats.h — the health of each layer with parameters, batch by batch: activation mean
 * and standard deviation, dead ReLU units, gradient norm, weight norm and update-to-weight
 * ratio, computed from buffers the training pass already has.
 *
 * Meanings:
 *   act_mean, act_std  over every value of the layer's output for the whole batch (after its
 *                      ReLU).  A conv layer that runs fused with the max-pooling after it has
 *                      no full output to read: its values are then those of the pooled output
 *                      (the trainer runs fused; say "after pooling" when showing them).
 *   dead_fraction      the share of the layer's units that are zero for every image of the
 *                      batch: a unit is a feature of a dense layer, a channel (filter) of a
 *                      conv layer.  A channel's pooled maps are all zero exactly when its maps
 *                      are (the pooling windows tile the map in both presets), so the fused
 *                      value is exact.  NAN for a layer without ReLU (the last dense layer).
 *   grad_norm          ‖g‖₂ of the gradient the optimizer used (L2 term included) over the
 *                      layer's kernel and bias.
 *   weight_norm        ‖θ‖₂ of its kernel and bias after the update.
 *   update_ratio       ‖θ_after − θ_before‖₂ / ‖θ_before‖₂ for this batch's update.
 *   hist               the share of the output's values (every NN_LAYER_HIST_STRIDE-th of
 *                      the values act_mean reads, in memory order) in each of
 *                      NN_LAYER_HIST_BINS bins on a log₂ scale: bin 0 holds zeros and negative
 *                      values (dead ReLU outputs; the last layer's negative logits), bin k of
 *                      1 … BINS − 1 the values v > 0 with ⌊log₂ v⌋ = k + NN_LAYER_HIST_MIN_EXP − 1,
 *                      the first and last open-ended (v < 2⁻¹⁵ and v ≥ 2⁶).  Sums to 1; all
 *                      zero when no output was read.  Read from the float's exponent bits:
 *                      a few adds per value, no log.
 */
#pragma once

#include <glib.h>
#include "nn-model.h"

G_BEGIN_DECLS

#define NN_LAYER_HIST_BINS    24
#define NN_LAYER_HIST_MIN_EXP (-16)   /* bin 1: ⌊log₂ v⌋ ≤ −16 */
/* The histogram reads every 4th value of each slice's output (in memory order): a share
 * per bin needs no more, and binning them all cost a few per cent of throughput. */
#define NN_LAYER_HIST_STRIDE  4

typedef struct {
  guint epoch;           /* 1-based */
  guint batch;           /* 1-based, within the epoch */
  guint layer;           /* index among the model's layers (nn_model_layer_info) */
  float act_mean;
  float act_std;
  float dead_fraction;
  float grad_norm;
  float weight_norm;
  float update_ratio;
  float hist[NN_LAYER_HIST_BINS];
} NnLayerStats;

typedef struct _NnLayerMonitor NnLayerMonitor;

NnLayerMonitor *nn_layer_monitor_new      (const NnModel *model);
void            nn_layer_monitor_free     (NnLayerMonitor *monitor);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnLayerMonitor, nn_layer_monitor_free)

/* The layers it watches: every layer with parameters, in order. */
guint           nn_layer_monitor_n_layers (const NnLayerMonitor *monitor);
guint           nn_layer_monitor_layer    (const NnLayerMonitor *monitor,
                                           guint                 k);
/* Its PyTorch-style name, "conv1" … "fc2", from the model's tensor names. */
const char     *nn_layer_monitor_name     (const NnLayerMonitor *monitor,
                                           guint                 k);

/* Before the batch's forward pass: clears the activation sums, and keeps the parameters
 * (n_params) for the update ratio; the two halves apart: _clear before the forward pass,
 * _keep_params any time before the update. */
void            nn_layer_monitor_begin    (NnLayerMonitor *monitor,
                                           const float    *params_before);
void            nn_layer_monitor_clear    (NnLayerMonitor *monitor);
void            nn_layer_monitor_keep_params (NnLayerMonitor *monitor,
                                              const float    *params_before);
/* One part of the batch's forward pass: y, the output of model layer `layer` for n images in
 * the layer's layout (nn-layer.h: channel-major for conv and pooling, rows for dense).  The
 * output of a max-pooling layer that follows a watched conv layer counts for that conv (the
 * fused case); other layers are ignored.  Call once per slice of the batch. */
void            nn_layer_monitor_add_output (NnLayerMonitor *monitor,
                                             guint           layer,
                                             const float    *y,
                                             guint           n);
/* After the update: fills out (n_layers entries) from the sums, grads and the parameters. */
void            nn_layer_monitor_finish   (NnLayerMonitor *monitor,
                                           const float    *grads,
                                           const float    *params_after,
                                           guint           epoch,
                                           guint           batch,
                                           NnLayerStats   *out);

/* How many batches apart to take the statistics so that they cost the run about 0.5 % of its
 * CPU time (about 1 % of its wall time with two threads): a power of two from 1 to 256,
 * estimated from the model's shapes and the batch size alone, so that the same run measures
 * the same batches on every machine (the estimate: nn-layer-stats.c). */
guint           nn_layer_stats_auto_every (const NnModel *model,
                                           guint          batch_size);

G_END_DECLS
