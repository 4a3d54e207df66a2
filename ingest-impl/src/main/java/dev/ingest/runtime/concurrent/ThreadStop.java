package dev.ingest.runtime.concurrent;

import java.util.List;

/**
 * Waits for threads that were told to stop (by a flag they poll), and interrupts the ones still
 * running after a moment: those are blocked where no flag reaches them, most likely in a read
 * from an object store waiting for its bytes. Interrupting cancels such a read (a store's channel,
 * like a {@link java.nio.channels.FileChannel}, closes on interrupt), which is what a pipeline
 * that is closing wants. Threads that stop on their flag, as they do, are never interrupted.
 */
public final class ThreadStop {
  /** How long a thread may take to see its flag before it is taken for blocked. */
  public static final long INTERRUPT_AFTER_MILLIS = 200;

  private ThreadStop() {}

  /**
   * Joins {@code threads}, interrupting those alive after {@link #INTERRUPT_AFTER_MILLIS}, until
   * all have ended or {@code timeoutMillis} have passed. The caller's own interrupt status is set
   * aside while it waits (a closing pipeline may have interrupted the very thread that stops its
   * readers) and set again before this returns.
   *
   * @return whether every thread has ended
   */
  public static boolean stop(List<Thread> threads, long timeoutMillis) {
    boolean interrupted = Thread.interrupted();
    long start = System.currentTimeMillis();
    long deadline = start + timeoutMillis;
    interrupted |= joinUntil(threads, Math.min(deadline, start + INTERRUPT_AFTER_MILLIS));
    for (Thread thread : threads) {
      if (thread.isAlive() && thread != Thread.currentThread()) {
        thread.interrupt();
      }
    }
    interrupted |= joinUntil(threads, deadline);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return threads.stream().noneMatch(Thread::isAlive);
  }

  /**
   * Returns once every one of {@code threads} has ended, however long that takes: for threads
   * whose work is bounded and already told to stop. An interrupt does not cut the wait short
   * (the threads must not be raced); it is set again before this returns.
   */
  public static void joinAll(List<Thread> threads) {
    if (joinUntil(threads, Long.MAX_VALUE)) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Joins each thread until {@code deadline}. An interrupt does not cut the wait short: it most
   * likely comes from a pipeline closing around the caller, which wants these threads ended all
   * the more. Returns whether one came.
   */
  private static boolean joinUntil(List<Thread> threads, long deadline) {
    boolean interrupted = false;
    for (Thread thread : threads) {
      while (thread != Thread.currentThread() && thread.isAlive()) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          return interrupted;
        }
        try {
          thread.join(left);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    return interrupted;
  }
}
