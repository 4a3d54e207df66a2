package dev.ingest.s3;

import dev.ingest.spi.ReadAhead;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Reads one object with ranged GETs kept in flight ahead of the reader. (Skeleton: the read-ahead
 * is being written.)
 */
public final class S3ReadChannel implements SeekableByteChannel {
  /**
   * @param client the store's client
   * @param uri the object's {@code s3://bucket/key}, for messages
   * @param bucket the object's bucket
   * @param key the object's key
   * @param size the object's size in bytes, as listed
   * @param eTag the object's ETag as listed (every range asks for it: an object replaced while it
   *     is read fails instead of mixing two versions), or null
   * @param readAhead block size and depth
   * @param retries how failed ranges are tried again
   * @param allocator where the blocks come from (pooled direct)
   */
  public S3ReadChannel(S3AsyncClient client, String uri, String bucket, String key, long size,
      String eTag, ReadAhead readAhead, RetryPolicy retries, ByteBufAllocator allocator) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public int read(ByteBuffer destination) throws IOException {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public int write(ByteBuffer source) {
    throw new NonWritableChannelException();
  }

  @Override
  public long position() {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public SeekableByteChannel position(long newPosition) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public long size() {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public SeekableByteChannel truncate(long size) {
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public void close() {
    throw new UnsupportedOperationException("not yet");
  }
}
