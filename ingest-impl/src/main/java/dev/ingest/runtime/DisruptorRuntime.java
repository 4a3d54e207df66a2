package dev.ingest.runtime;

import dev.ingest.BatchIterator;
import dev.ingest.PipelineSpec;
import dev.ingest.PipelineSpec.CacheSpec;
import dev.ingest.PipelineState;
import dev.ingest.spi.PipelineRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** The runtime {@link dev.ingest.Dataset#iterator()} finds: starts a {@link RunningPipeline}. */
public final class DisruptorRuntime implements PipelineRuntime {
  static {
    // Before the first pipeline touches Netty's allocator (see NettyFlightEvents).
    NettyFlightEvents.offUnlessConfigured();
  }

  @Override
  public BatchIterator start(PipelineSpec spec) {
    return start(spec, PipelineState.start(spec));
  }

  @Override
  public BatchIterator start(PipelineSpec spec, PipelineState state) {
    List<Path> files;
    try {
      files = RecordFiles.resolve(spec.source().files());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the source files " + spec.source().files(), e);
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no files match " + spec.source().files());
    }
    if (spec.cache().kind() == CacheSpec.Kind.FILES) {
      // Before any thread or buffer exists: a cache of other sources is a configuration error.
      FileRecordCache.refuseMismatch(spec.cache().pathPrefix(), spec.source(), files);
    }
    return new RunningPipeline(spec, files, state);
  }
}
