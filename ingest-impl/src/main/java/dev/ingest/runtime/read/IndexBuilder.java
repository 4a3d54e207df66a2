package dev.ingest.runtime.read;

import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.TFRecordReader;
import dev.ingest.tfrecord.TFRecordReaderOptions;
import dev.ingest.tfrecord.index.CompressedShardException;
import dev.ingest.tfrecord.index.RecordIndex;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;

/**
 * Builds the missing record indexes of {@link IndexedShards#load} under {@code index: build}:
 * one shard a task on a small pool of {@code ingest-index-N} threads (at most the cores: building
 * reads every record and checks its CRCs), each writing its sidecar beside its shard as soon as it
 * is built. A write that fails (a read-only folder, a store that refuses the upload) is no reason
 * to stop: the index is kept in memory. Any other failure ends the build with that failure, the
 * other tasks interrupted. Every thread has ended when {@link #buildAll} returns or throws.
 */
final class IndexBuilder {
  /** Writes a built index beside its shard; {@link RecordIndex#writeBeside} outside tests. */
  @FunctionalInterface
  interface SidecarWriter {
    /** @return the sidecar written */
    Path write(RecordIndex index, Path shard) throws IOException;
  }

  /** One shard's index, and its sidecar, or null if it could not be written. */
  record Built(RecordIndex index, Path sidecar) {}

  private IndexBuilder() {}

  /**
   * Builds the index of each of {@code shards} and writes it beside its shard.
   *
   * @return one result a shard, in the order given
   * @throws IOException the first failure to read or index a shard, as it was thrown
   */
  static List<Built> buildAll(List<Path> shards, TFRecordReaderOptions options,
      SidecarWriter writer) throws IOException {
    int threads = Math.min(shards.size(), Runtime.getRuntime().availableProcessors());
    IndexThreads factory = new IndexThreads();
    ExecutorService pool = Executors.newFixedThreadPool(threads, factory);
    try {
      CompletionService<Built> completion = new ExecutorCompletionService<>(pool);
      List<Future<Built>> futures = new ArrayList<>(shards.size());
      for (Path shard : shards) {
        futures.add(completion.submit(() -> build(shard, options, writer)));
      }
      // Taken as they finish, so the first failure ends the build without waiting on the rest.
      for (int done = 0; done < shards.size(); done++) {
        completion.take().get();
      }
      List<Built> results = new ArrayList<>(shards.size());
      for (Future<Built> future : futures) {
        results.add(future.get());
      }
      return results;
    } catch (ExecutionException e) {
      throw rethrown(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while building record indexes");
    } finally {
      pool.shutdownNow();
      factory.joinAll();
    }
  }

  private static Built build(Path shard, TFRecordReaderOptions options, SidecarWriter writer)
      throws IOException {
    RecordIndex index = RecordIndex.build(shard, options);
    try {
      return new Built(index, writer.write(index, shard));
    } catch (IOException | ReadOnlyFileSystemException e) {
      // A read-only folder or file system, a store that refuses the upload or keeps failing it:
      // the sidecar only saves the next run this build, so the run goes on through the index in
      // memory, and unwritten() tells the report.
      return new Built(index, null);
    }
  }

  /**
   * Under {@code index: refuse}, a shard without an index is refused as compressed when it is:
   * {@code ingest index}, which the missing-index error suggests, would refuse it too.
   */
  static void refuseIfCompressed(Path shard, TFRecordReaderOptions options) throws IOException {
    try (TFRecordReader reader =
        TFRecordReader.open(shard, options.withCompression(Compression.AUTO))) {
      if (reader.compression() != Compression.NONE) {
        throw new CompressedShardException(shard, reader.compression());
      }
    }
  }

  private static IOException rethrown(Throwable failure) {
    if (failure instanceof IOException io) {
      return io;
    }
    if (failure instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (failure instanceof Error error) {
      throw error;
    }
    return new IOException(failure);
  }

  /** Makes the pool's threads, keeping each so that they can be joined when the pool stops. */
  private static final class IndexThreads implements ThreadFactory {
    private final List<Thread> threads = new ArrayList<>();

    @Override
    public synchronized Thread newThread(Runnable task) {
      // Netty's thread class, so that the pooled allocator's thread caches serve the reads and are
      // freed when the thread ends.
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
      boolean interrupted = false;
      for (Thread thread : made) {
        while (thread.isAlive()) {
          try {
            thread.join();
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
