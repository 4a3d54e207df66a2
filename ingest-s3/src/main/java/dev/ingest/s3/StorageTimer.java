package dev.ingest.s3;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;

/**
 * The one thread of ingest-s3: a daemon that fires request timeouts and starts retries after
 * their backoff, for every open object. Its tasks are short (cancel a request, or hand a new one
 * to the SDK, which sends it from its own event loop), so one thread serves them all; no backoff
 * ever sleeps on an SDK thread or the reader's.
 */
final class StorageTimer {
  /** The name of the timer's thread. */
  static final String THREAD_NAME = "ingest-s3-timer";

  private static final ScheduledExecutorService SHARED = create();

  private StorageTimer() {}

  static ScheduledExecutorService shared() {
    return SHARED;
  }

  private static ScheduledExecutorService create() {
    ThreadFactory daemon = task -> {
      Thread thread = new Thread(task, THREAD_NAME);
      thread.setDaemon(true);
      return thread;
    };
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, daemon);
    // Most timeouts are cancelled (their request finished first): drop them at once rather than
    // keep thousands of dead tasks queued until they would have fired.
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }
}
