package dev.ingest.s3;

import dev.ingest.spi.ReadAhead;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Opens the channel that reads one object. The file system's only way to read, so that the
 * provider's own tests can read through a plain whole-object GET while the read-ahead channel is
 * tested on its own.
 */
@FunctionalInterface
interface ReadChannels {
  /**
   * The production reader: {@link S3ReadChannel}, blocks from Netty's pooled direct allocator,
   * an adaptive depth starting from what the file system's channels learnt.
   */
  ReadChannels READ_AHEAD = (client, object, size, eTag, readAhead, retries, readFrom) ->
      new S3ReadChannel(client, object.toString(), object.bucket(), object.key(), size, eTag,
          readAhead, retries, PooledByteBufAllocator.DEFAULT,
          object.getFileSystem().learnedReadAheadDepth(), readFrom);

  /**
   * A channel over {@code object}'s bytes; the caller closes it.
   *
   * @param client the store's client
   * @param object the absolute path of the object
   * @param size the object's size as listed or HEAD'ed
   * @param eTag the object's ETag as listed or HEAD'ed, or null
   * @param readAhead block size and depth
   * @param retries how failed reads are tried again
   * @param readFrom the byte the channel's position, and its first request, start at
   */
  SeekableByteChannel open(S3AsyncClient client, S3Path object, long size, String eTag,
      ReadAhead readAhead, RetryPolicy retries, long readFrom) throws IOException;
}
