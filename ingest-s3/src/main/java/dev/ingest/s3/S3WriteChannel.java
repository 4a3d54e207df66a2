package dev.ingest.s3;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes an object: the bytes go to a local temporary file, and {@link #close()} publishes them
 * with one PUT. An object store has no partial objects, so until close nothing is visible, and
 * after a failed write or a failed upload nothing is published at all: the previous object, if
 * any, stays as it was.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * One thread at a time, like a {@link FileChannel} used for sequential writes. {@link #close()}
 * blocks the caller until the store has the object (or has refused it) and is idempotent; the
 * temporary file is deleted whatever happens.
 */
final class S3WriteChannel implements SeekableByteChannel {
  private final S3Bucket bucket;
  private final S3Path object;
  private final boolean onlyIfAbsent;
  private final Path staging;
  private final FileChannel file;
  private boolean failed;
  private boolean closed;

  /**
   * @param onlyIfAbsent publish only if no object has the key (CREATE_NEW)
   */
  S3WriteChannel(S3Bucket bucket, S3Path object, boolean onlyIfAbsent) throws IOException {
    this.bucket = bucket;
    this.object = object;
    this.onlyIfAbsent = onlyIfAbsent;
    this.staging = Files.createTempFile("ingest-s3-", ".upload");
    try {
      this.file = FileChannel.open(staging, StandardOpenOption.WRITE);
    } catch (IOException e) {
      Files.deleteIfExists(staging);
      throw e;
    }
  }

  @Override
  public int write(ByteBuffer source) throws IOException {
    checkOpen();
    try {
      return file.write(source);
    } catch (IOException | RuntimeException e) {
      failed = true;
      throw e;
    }
  }

  @Override
  public int read(ByteBuffer destination) {
    throw new NonReadableChannelException();
  }

  @Override
  public long position() throws IOException {
    checkOpen();
    return file.position();
  }

  @Override
  public SeekableByteChannel position(long newPosition) throws IOException {
    checkOpen();
    file.position(newPosition);
    return this;
  }

  @Override
  public long size() throws IOException {
    checkOpen();
    return file.size();
  }

  @Override
  public SeekableByteChannel truncate(long size) throws IOException {
    checkOpen();
    file.truncate(size);
    return this;
  }

  @Override
  public boolean isOpen() {
    return !closed;
  }

  /**
   * Uploads what was written, unless a write failed.
   *
   * @throws IOException if the upload failed; nothing was published
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      long size = file.size();
      file.close();
      if (!failed) {
        bucket.put(object, staging, size, onlyIfAbsent);
      }
    } finally {
      try {
        file.close();
      } finally {
        Files.deleteIfExists(staging);
      }
    }
  }

  private void checkOpen() throws ClosedChannelException {
    if (closed) {
      throw new ClosedChannelException();
    }
  }
}
