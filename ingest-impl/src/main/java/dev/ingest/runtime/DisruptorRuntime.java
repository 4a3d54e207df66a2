package dev.ingest.runtime;

import dev.ingest.BatchIterator;
import dev.ingest.PipelineSpec;
import dev.ingest.PipelineSpec.CacheSpec;
import dev.ingest.PipelineState;
import dev.ingest.runtime.cache.FileRecordCache;
import dev.ingest.runtime.cache.RowCacheFiles;
import dev.ingest.runtime.memory.AllocatorWarmup;
import dev.ingest.runtime.read.IndexedShards;
import dev.ingest.spi.PipelineRuntime;
import dev.ingest.tfrecord.NettyFlightEvents;
import dev.ingest.tfrecord.RecordFiles;
import dev.ingest.tfrecord.TFRecordReaderOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** The runtime {@link dev.ingest.Dataset#iterator()} finds: starts a {@link RunningPipeline}. */
public final class DisruptorRuntime implements PipelineRuntime {
  static {
    // Before the first pipeline touches Netty's allocator (see NettyFlightEvents).
    NettyFlightEvents.offUnlessConfigured();
  }

  @Override
  public BatchIterator start(PipelineSpec spec) {
    return startAt(spec, null);
  }

  @Override
  public BatchIterator start(PipelineSpec spec, PipelineState state) {
    return startAt(spec, Objects.requireNonNull(state, "state"));
  }

  /** Starts from {@code state}, or from the beginning when it is {@code null}. */
  private static BatchIterator startAt(PipelineSpec spec, PipelineState state) {
    // Netty's allocator warms up on a helper thread while this one checks the files and builds
    // the stages (see AllocatorWarmup). A failure waits for the helper, so that no thread of the
    // pipeline's outlives a failed iterator().
    AllocatorWarmup.begin();
    try {
      List<Path> files = sourceFiles(spec);
      return new RunningPipeline(spec, files, indexesOf(spec, files), state);
    } catch (RuntimeException | Error e) {
      AllocatorWarmup.awaitHelper();
      throw e;
    }
  }

  private static List<Path> sourceFiles(PipelineSpec spec) {
    List<Path> files;
    try {
      files = RecordFiles.resolve(spec.source().files(), spec.options().storage());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the source files " + spec.source().files(), e);
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no files match " + spec.source().files());
    }
    if (spec.cache().kind() == CacheSpec.Kind.FILES && spec.cache().holdsRows()) {
      RowCacheFiles.refuseMismatch(spec, files);
    } else if (spec.cache().kind() == CacheSpec.Kind.FILES) {
      // Before any thread or buffer exists: a cache of other sources is a configuration error.
      FileRecordCache.refuseMismatch(spec.cache().pathPrefix(), spec.source(), files);
    }
    return files;
  }

  /**
   * Under a global shuffle, every file's record index, loaded (or built, if the spec says so)
   * before any thread starts: a missing, stale or corrupt index stops {@code iterator()} with a
   * message that names the shard and the command that writes its index. Null otherwise.
   */
  private static IndexedShards indexesOf(PipelineSpec spec, List<Path> files) {
    if (!spec.shufflesGlobally()) {
      return null;
    }
    IndexedShards.Missing missing =
        spec.globalShuffle().missingIndex() == PipelineSpec.MissingIndex.BUILD
            ? IndexedShards.Missing.BUILD : IndexedShards.Missing.REFUSE;
    TFRecordReaderOptions options = TFRecordReaderOptions.defaults()
        .withReadAhead(spec.options().storage().readAhead());
    try {
      return IndexedShards.load(files, missing, options);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }
}
