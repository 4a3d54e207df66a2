package dev.ingest.tfrecord.index;

import dev.ingest.tfrecord.Compression;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A GZIP or ZLIB shard cannot be given a record index: TensorFlow compresses the whole file as
 * one stream, and a deflate stream can only be decoded from its start, so an offset inside it is
 * no place a reader could jump to. Writing the shard uncompressed makes it indexable.
 */
public final class CompressedShardException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Compression compression;

  /**
   * @param shard the compressed shard
   * @param compression its compression, not {@link Compression#NONE}
   */
  public CompressedShardException(Path shard, Compression compression) {
    super("cannot index " + shard + ": it is " + compression.wireName() + "-compressed, and a"
        + " compressed stream cannot be entered at a record (it decodes only from its start);"
        + " write the shard uncompressed (compression: none) to read it by record");
    this.compression = compression;
  }

  /** The shard's compression. */
  public Compression compression() {
    return compression;
  }
}
