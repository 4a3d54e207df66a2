package dev.ingest.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import dev.ingest.s3.testing.FaultProxy;
import dev.ingest.s3.testing.ProxiedStore;
import dev.ingest.s3.testing.S3TestServer;
import dev.ingest.spi.ReadAhead;
import dev.ingest.tfrecord.CountingAllocator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * S3ReadChannel against a real S3 server (S3Mock, in this JVM), directly and through a {@link
 * FaultProxy}: exact bytes whatever the block size, depth, read sizes and seeks; exact bytes under
 * each fault the proxy deals, at random positions; typed errors naming the URI and offset when a
 * fault outlasts the retries; and nothing held after close (buffers counted by the allocator).
 */
class S3ReadChannelTest {
  private static final String BUCKET = "reads";

  @RegisterExtension
  @Order(1)
  static final S3MockExtension S3 =
      S3MockExtension.builder().silent().withInitialBuckets(BUCKET)
          // Reads cancelled on purpose (seeks, close) make the server warn that its client left.
          .withProperty("logging.level.root", "error").build();

  @RegisterExtension
  @Order(2)
  static final ProxiedStore STORE = new ProxiedStore(S3, 22);

  private final CountingAllocator allocator = new CountingAllocator();

  @AfterEach
  void nothingLeftAllocated() {
    assertThat(allocator.liveBuffers()).as("blocks not released").isZero();
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void readsExactBytesWithRandomReadAheadReadSizesAndSeeks(long seed) throws IOException {
    Random random = new Random(seed);
    ReadAhead readAhead = randomReadAhead(random);
    int size = readAhead.blockBytes() == ReadAhead.MIN_BLOCK_BYTES
        ? (1 << 20) + random.nextInt(1 << 16) // tiny blocks: hundreds of ranges already
        : (1 << 20) + random.nextInt(4 << 20);
    byte[] object = S3TestServer.randomBytes(random, size);
    String key = "exact/" + seed;
    String eTag = S3TestServer.put(STORE.direct(), BUCKET, key, object);

    try (S3ReadChannel channel =
        open(STORE.direct(), key, size, eTag, readAhead, patientRetries())) {
      assertThat(channel.size()).isEqualTo(size);
      assertThat(readToEnd(channel, random, 3 * readAhead.effectiveBlockBytes()))
          .as("whole object, %s", readAhead).isEqualTo(object);
      assertThat(channel.read(ByteBuffer.allocate(1))).isEqualTo(-1);

      for (int seek = 0; seek < 24; seek++) {
        long position = random.nextInt(size + 16);
        int length = 1 + random.nextInt(3 * readAhead.effectiveBlockBytes());
        channel.position(position);
        byte[] read = readUpTo(channel, random, length);
        int expected = (int) Math.max(0, Math.min(length, size - position));
        assertThat(read).as("%d bytes at %d, %s", length, position, readAhead)
            .isEqualTo(Arrays.copyOfRange(object, (int) Math.min(position, size),
                (int) Math.min(position, size) + expected));
        assertThat(channel.position()).isEqualTo(Math.max(position, position + expected));
      }
      assertThat(channel.peakBytesHeld()).isLessThanOrEqualTo(readAhead.maxBytesInFlight());
    }
  }

  @Test
  void closeWhileAReadWaitsOnStalledBodiesEndsTheReadAndReleasesEveryBlock() throws Exception {
    byte[] object = S3TestServer.randomBytes(new Random(11), 1 << 20);
    String key = "close/stalled";
    String eTag = S3TestServer.put(STORE.direct(), BUCKET, key, object);
    ReadAhead readAhead = new ReadAhead(64 << 10, 8);
    STORE.proxy().stallNext(1000, -1);
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    S3ReadChannel channel = open(STORE.proxied(), key, object.length, eTag, readAhead,
        new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(20), Duration.ofMinutes(5)));
    AtomicReference<Throwable> readEnded = new AtomicReference<>();
    Thread reader = new Thread(() -> {
      try {
        readToEnd(channel, new Random(12), 100 << 10);
      } catch (Throwable failure) {
        readEnded.set(failure);
      }
    }, "stalled-reader");
    reader.start();
    assertThat(STORE.proxy().awaitStalls(readAhead.depth(), Duration.ofMinutes(1)))
        .as("every block's body stalled").isTrue();
    while (reader.getState() != Thread.State.TIMED_WAITING && reader.isAlive()) {
      Thread.yield();
    }
    assertThat(channel.bytesHeld()).isEqualTo(readAhead.maxBytesInFlight());

    channel.close();
    reader.join();
    assertThat(readEnded.get()).isInstanceOf(ClosedChannelException.class);
    assertThat(channel.isOpen()).isFalse();
    assertThat(channel.bytesHeld()).isZero();
    assertThat(allocator.liveBuffers()).as("blocks released by close").isZero();
    channel.close();
    assertThatThrownBy(() -> channel.read(ByteBuffer.allocate(1)))
        .isInstanceOf(ClosedChannelException.class);

    // The stalled bodies now go on, into requests close() has cancelled: nothing is taken.
    STORE.proxy().releaseStalls();
    assertThat(allocator.liveBuffers()).isZero();
    assertThat(threadsStartedSince(before)).as("threads of ours left after close").isEmpty();
    assertThat(Thread.getAllStackTraces().keySet()).filteredOn(
        thread -> thread.getName().equals(StorageTimer.THREAD_NAME)).hasSize(1);
  }

  @Test
  void closeWithEveryRequestInFlightReleasesEveryBlock() throws IOException {
    byte[] object = S3TestServer.randomBytes(new Random(13), 1 << 20);
    String key = "close/in-flight";
    String eTag = S3TestServer.put(STORE.direct(), BUCKET, key, object);
    STORE.proxy().latencyMillis(2_000);
    ReadAhead readAhead = new ReadAhead(32 << 10, 16);
    S3ReadChannel channel = open(STORE.proxied(), key, object.length, eTag, readAhead,
        patientRetries());
    assertThat(allocator.liveBuffers()).isEqualTo(readAhead.depth());

    channel.close();
    assertThat(allocator.liveBuffers()).isZero();
    assertThat(channel.bytesHeld()).isZero();
  }

  @Test
  void anAdaptiveDepthGrowsWhenTheReaderWaitsAndStaysWithinItsAllowance() throws IOException {
    byte[] object = S3TestServer.randomBytes(new Random(14), 1 << 20);
    String key = "auto/depth";
    String eTag = S3TestServer.put(STORE.direct(), BUCKET, key, object);
    STORE.proxy().latencyMillis(20);
    ReadAhead readAhead = new ReadAhead(16 << 10, ReadAhead.AUTO);

    try (S3ReadChannel channel = open(STORE.proxied(), key, object.length, eTag, readAhead,
        patientRetries())) {
      assertThat(channel.depth()).isEqualTo(DepthTuner.AUTO_START);
      assertThat(readToEnd(channel, new Random(15), 64 << 10)).isEqualTo(object);
      assertThat(channel.depth()).isGreaterThan(DepthTuner.AUTO_START)
          .isLessThanOrEqualTo(ReadAhead.AUTO_MAX_DEPTH);
      assertThat(channel.peakBytesHeld()).isGreaterThan(2L * readAhead.blockBytes())
          .isLessThanOrEqualTo(readAhead.maxBytesInFlight());
    }
  }

  @Test
  void aSlowLinkWithLatencyGivesExactBytes() throws IOException {
    byte[] object = S3TestServer.randomBytes(new Random(16), 1 << 20);
    String key = "slow/link";
    String eTag = S3TestServer.put(STORE.direct(), BUCKET, key, object);
    // A proxy of its own: the body of a request another test cancelled may still pass the shared
    // one, and would be counted here.
    try (FaultProxy own = new FaultProxy(S3TestServer.endpoint(S3), 5);
        S3AsyncClient client = S3TestServer.client(own.endpoint())) {
      own.latencyMillis(5).bandwidthBytesPerSecond(16 << 20);
      try (S3ReadChannel channel = open(client, key, object.length, eTag, ReadAhead.auto(),
          patientRetries())) {
        assertThat(readToEnd(channel, new Random(17), 256 << 10)).isEqualTo(object);
      }
      assertThat(own.bodyBytes()).as("each byte sent once").isEqualTo(object.length);
    }
  }

  @Test
  void anEmptyObjectEndsAtOnceWithoutARequest() throws IOException {
    String key = "empty";
    String eTag = S3TestServer.put(STORE.direct(), BUCKET, key, new byte[0]);
    // A proxy of its own: a request another test cancelled may still reach the shared one.
    try (FaultProxy own = new FaultProxy(S3TestServer.endpoint(S3), 5);
        S3AsyncClient client = S3TestServer.client(own.endpoint())) {
      try (S3ReadChannel channel = open(client, key, 0, eTag, ReadAhead.auto(),
          patientRetries())) {
        assertThat(channel.read(ByteBuffer.allocate(10))).isEqualTo(-1);
        channel.position(5);
        assertThat(channel.read(ByteBuffer.allocate(10))).isEqualTo(-1);
      }
      assertThat(own.requests()).isZero();
    }
  }

  /** Threads alive now that were not before, less those of the SDK, the proxy and the JDK. */
  private static Set<String> threadsStartedSince(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> !before.contains(thread))
        .map(Thread::getName)
        .filter(name -> !name.startsWith("aws-java-sdk-NettyEventLoop")
            && !name.startsWith("sdk-async-response")
            && !name.startsWith(FaultProxy.THREAD_PREFIX)
            && !name.startsWith("HttpClient-")
            && !name.startsWith("qtp") && !name.startsWith("Common-Cleaner"))
        .collect(Collectors.toSet());
  }

  private static ReadAhead randomReadAhead(Random random) {
    int depth = random.nextInt(4) == 0 ? ReadAhead.AUTO : 1 + random.nextInt(8);
    return switch (random.nextInt(4)) {
      case 0 -> new ReadAhead(ReadAhead.MIN_BLOCK_BYTES, depth);
      case 1 -> new ReadAhead(ReadAhead.AUTO, depth);
      default -> new ReadAhead(ReadAhead.MIN_BLOCK_BYTES + random.nextInt(512 << 10), depth);
    };
  }

  private S3ReadChannel open(S3AsyncClient client, String key, long size, String eTag,
      ReadAhead readAhead, RetryPolicy retries) {
    return new S3ReadChannel(client, uri(key), BUCKET, key, size, eTag, readAhead, retries,
        allocator);
  }

  private static String uri(String key) {
    return "s3://" + BUCKET + "/" + key;
  }

  static RetryPolicy patientRetries() {
    return new RetryPolicy(8, Duration.ofMillis(1), Duration.ofMillis(20), Duration.ofSeconds(30));
  }

  /** Reads from the position to the end in reads of random sizes up to {@code maxRead}. */
  static byte[] readToEnd(S3ReadChannel channel, Random random, int maxRead) throws IOException {
    return readUpTo(channel, random, Integer.MAX_VALUE, maxRead);
  }

  private static byte[] readUpTo(S3ReadChannel channel, Random random, int length)
      throws IOException {
    return readUpTo(channel, random, length, length);
  }

  private static byte[] readUpTo(S3ReadChannel channel, Random random, int length, int maxRead)
      throws IOException {
    ByteBuffer all = ByteBuffer.allocate((int) Math.min(length,
        Math.max(0, channel.size() - channel.position())));
    while (all.hasRemaining()) {
      ByteBuffer piece = all.slice();
      piece.limit(Math.min(piece.limit(), 1 + random.nextInt(maxRead)));
      int count = channel.read(piece);
      if (count < 0) {
        break;
      }
      all.position(all.position() + count);
    }
    return Arrays.copyOf(all.array(), all.position());
  }
}
