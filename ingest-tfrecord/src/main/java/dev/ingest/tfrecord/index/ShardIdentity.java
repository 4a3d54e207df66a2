package dev.ingest.tfrecord.index;

import dev.ingest.tfrecord.StoragePaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What tells one version of a shard from another without reading it: its size, and for a local
 * file its last-modified time in milliseconds, for a store's object its ETag (the store's {@link
 * BasicFileAttributes#fileKey()}), which changes with every write even within one millisecond.
 * A file system that gives no key falls back to the last-modified time.
 */
record ShardIdentity(long size, Kind kind, String value) {
  /** How {@link #value} identifies the shard; the code is the index format's byte for it. */
  enum Kind {
    MODIFIED_MILLIS(1, "last-modified time (ms)"),
    FILE_KEY(2, "ETag");

    final int code;
    final String description;

    Kind(int code, String description) {
      this.code = code;
      this.description = description;
    }

    static Kind ofCode(int code) {
      for (Kind kind : values()) {
        if (kind.code == code) {
          return kind;
        }
      }
      return null;
    }
  }

  /** The shard's identity now, from one question to its file system. */
  static ShardIdentity of(Path shard) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(shard, BasicFileAttributes.class);
    Object key = StoragePaths.isLocal(shard) ? null : attributes.fileKey();
    if (key != null) {
      return new ShardIdentity(attributes.size(), Kind.FILE_KEY, key.toString());
    }
    return new ShardIdentity(attributes.size(), Kind.MODIFIED_MILLIS,
        Long.toString(attributes.lastModifiedTime().toMillis()));
  }
}
