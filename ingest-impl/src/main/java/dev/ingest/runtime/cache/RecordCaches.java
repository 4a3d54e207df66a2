package dev.ingest.runtime.cache;

import dev.ingest.PipelineSpec;
import dev.ingest.PipelineSpec.CacheSpec;
import dev.ingest.runtime.read.RecordCache;
import dev.ingest.tfrecord.DirectMemory;
import io.netty.buffer.ByteBufAllocator;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * Picks the {@link RecordCache} a pipeline's spec asks for. It lives beside the caches, not on the
 * interface, so that the readers (which only use a cache) do not depend on how caches are made.
 */
public final class RecordCaches {
  private RecordCaches() {}

  /**
   * The cache {@code spec} asks for, or {@code null} for none. Nothing is read or locked yet: a
   * file cache opens itself on the source thread, on first use.
   *
   * @param files the pipeline's record files, sorted (as {@code RecordFiles.resolve} gives them)
   * @param reserve reserves budget for bytes about to be held in memory; false once the pipeline
   *     is shutting down
   */
  public static RecordCache of(PipelineSpec spec, List<Path> files, ByteBufAllocator allocator,
      DirectMemory readBuffers, LongPredicate reserve) {
    CacheSpec cache = spec.cache();
    if (cache.holdsRows()) {
      return null; // rows are cached after parsing: see RowCache
    }
    return switch (cache.kind()) {
      case NONE -> null;
      case MEMORY -> new MemoryRecordCache(allocator, reserve);
      case FILES -> new FileRecordCache(
          cache.pathPrefix(), spec.source(), files, allocator, readBuffers);
    };
  }
}
