/* nn-parallel.c — persistent workers woken per call; tasks claimed from an atomic counter. */
#include "nn-parallel.h"

#define MAX_WORKERS 63

typedef struct {
  GMutex      lock;        /* held by the one caller using the pool */
  GMutex      state_lock;  /* protects the fields below */
  GCond       wake;        /* workers wait for a new generation */
  GCond       done;        /* the caller waits for the workers to finish */
  guint       generation;
  guint       n_workers;   /* started */
  guint       wanted;      /* threads taking part, caller included */
  guint       busy;        /* workers still in the current call */
  NnTaskFunc  func;
  gpointer    data;
  guint       n_tasks;
  gint        next_task;
} Pool;

static Pool pool;
static gint pool_threads = 1;

static void
run_tasks (void)
{
  for (;;)
    {
      guint task = (guint) g_atomic_int_add (&pool.next_task, 1);

      if (task >= pool.n_tasks)
        return;
      pool.func (task, pool.data);
    }
}

static gpointer
worker (gpointer data)
{
  guint index = GPOINTER_TO_UINT (data);
  guint seen = 0;

  g_mutex_lock (&pool.state_lock);
  for (;;)
    {
      while (pool.generation == seen)
        g_cond_wait (&pool.wake, &pool.state_lock);
      seen = pool.generation;
      /* Workers beyond the wanted count sit this call out. */
      if (index + 1 >= pool.wanted)
        continue;
      g_mutex_unlock (&pool.state_lock);
      run_tasks ();
      g_mutex_lock (&pool.state_lock);
      if (--pool.busy == 0)
        g_cond_signal (&pool.done);
    }
  return NULL;
}

void
nn_parallel_set_threads (guint threads)
{
  if (threads == 0)
    threads = g_get_num_processors ();
  g_atomic_int_set (&pool_threads, (gint) CLAMP (threads, 1, MAX_WORKERS + 1));
}

guint
nn_parallel_get_threads (void)
{
  return (guint) g_atomic_int_get (&pool_threads);
}

void
nn_parallel_for (guint      n_tasks,
                 NnTaskFunc func,
                 gpointer   data)
{
  guint threads = MIN (nn_parallel_get_threads (), n_tasks);

  if (threads <= 1 || !g_mutex_trylock (&pool.lock))
    {
      for (guint t = 0; t < n_tasks; t++)
        func (t, data);
      return;
    }

  g_mutex_lock (&pool.state_lock);
  while (pool.n_workers < threads - 1)
    {
      g_autoptr(GThread) thread = g_thread_new ("nn-worker", worker,
                                                GUINT_TO_POINTER (pool.n_workers));
      pool.n_workers++;
    }
  pool.func = func;
  pool.data = data;
  pool.n_tasks = n_tasks;
  g_atomic_int_set (&pool.next_task, 0);
  pool.wanted = threads;
  pool.busy = threads - 1;
  pool.generation++;
  g_cond_broadcast (&pool.wake);
  g_mutex_unlock (&pool.state_lock);

  run_tasks ();

  g_mutex_lock (&pool.state_lock);
  while (pool.busy > 0)
    g_cond_wait (&pool.done, &pool.state_lock);
  g_mutex_unlock (&pool.state_lock);
  g_mutex_unlock (&pool.lock);
}
