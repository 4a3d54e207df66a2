package dev.ingest.runtime.read;

import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.TFRecordReader;
import dev.ingest.tfrecord.TFRecordReaderOptions;
import dev.ingest.tfrecord.index.CompressedShardException;
import dev.ingest.tfrecord.index.RecordIndex;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;

/**
 * Builds the index of a shard that has none, under {@code index: build}, and writes it beside the
 * shard when it can: a write that fails (a read-only folder, a store that refuses the upload) is
 * no reason to stop, as the sidecar only saves the next run this build; the index is kept in
 * memory. Any failure to build (a corrupt record, a compressed shard) is thrown as it is.
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

  static Built buildAndWrite(Path shard, TFRecordReaderOptions options, SidecarWriter writer)
      throws IOException {
    RecordIndex index = RecordIndex.build(shard, options);
    try {
      return new Built(index, writer.write(index, shard));
    } catch (IOException | ReadOnlyFileSystemException e) {
      // The run goes on through the index in memory, and unwritten() tells the report.
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
}
