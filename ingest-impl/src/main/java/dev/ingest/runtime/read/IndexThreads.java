package dev.ingest.runtime.read;

import dev.ingest.runtime.concurrent.ThreadStop;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;

/**
 * The threads that load and build the record indexes of {@link IndexedShards#load}, one shard a
 * task: a fixed pool of {@code ingest-index-N} threads, at most the cores, as building reads
 * every record and checks its CRCs, and loading from a store waits on a request a sidecar.
 *
 * <p>{@link #invokeAll} returns the results in the order of the tasks, or throws the first
 * failure as it was thrown, the other tasks interrupted. {@link #close()} stops the pool and joins
 * its threads, so that none is alive once it returns, also after a failure.
 */
final class IndexThreads implements AutoCloseable {
  /** A task that reads a shard or its sidecar. */
  @FunctionalInterface
  interface ShardTask<T> {
    T run() throws IOException;
  }

  private final Factory factory = new Factory();
  private final ExecutorService pool;

  /** @param threads at most this many, made as tasks come */
  IndexThreads(int threads) {
    pool = Executors.newFixedThreadPool(
        Math.max(1, Math.min(threads, Runtime.getRuntime().availableProcessors())), factory);
  }

  /**
   * Runs the tasks on the pool.
   *
   * @return each task's result, in the order given
   * @throws IOException the first failure to finish, as it was thrown
   */
  <T> List<T> invokeAll(List<ShardTask<T>> tasks) throws IOException {
    CompletionService<T> completion = new ExecutorCompletionService<>(pool);
    List<Future<T>> futures = new ArrayList<>(tasks.size());
    try {
      for (ShardTask<T> task : tasks) {
        futures.add(completion.submit((Callable<T>) task::run));
      }
      // Taken as they finish, so that the first failure ends the wait without the rest.
      for (int done = 0; done < tasks.size(); done++) {
        completion.take().get();
      }
      List<T> results = new ArrayList<>(tasks.size());
      for (Future<T> future : futures) {
        results.add(future.get());
      }
      return results;
    } catch (ExecutionException e) {
      cancel(futures);
      throw ThreadFailures.asIOException(e.getCause());
    } catch (InterruptedException e) {
      cancel(futures);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while loading record indexes");
    }
  }

  private static void cancel(List<? extends Future<?>> futures) {
    for (Future<?> future : futures) {
      future.cancel(true);
    }
  }

  /** Stops the pool, interrupting what runs, and returns once each of its threads has ended. */
  @Override
  public void close() {
    pool.shutdownNow();
    factory.joinAll();
  }

  /** Makes the pool's threads, keeping each so that they can be joined when the pool stops. */
  private static final class Factory implements ThreadFactory {
    private final List<Thread> threads = new ArrayList<>();

    @Override
    public synchronized Thread newThread(Runnable task) {
      // Netty's thread class, so that the pooled allocator's thread caches serve the reads and
      // are freed when the thread ends.
      Thread thread = new FastThreadLocalThread(task, "ingest-index-" + (threads.size() + 1));
      thread.setDaemon(true);
      threads.add(thread);
      return thread;
    }

    /**
     * Waits for every thread made to end; the pool has been told to stop, so it makes no more.
     * The threads are joined, not only the pool awaited: a pool terminates a moment before its
     * last thread has returned.
     */
    void joinAll() {
      List<Thread> made;
      synchronized (this) {
        made = List.copyOf(threads);
      }
      ThreadStop.joinAll(made);
    }
  }
}
