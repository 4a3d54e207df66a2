package dev.ingest.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import dev.ingest.s3.testing.FaultProxy;
import dev.ingest.s3.testing.ProxiedStore;
import dev.ingest.s3.testing.S3TestServer;
import dev.ingest.spi.ReadAhead;
import dev.ingest.tfrecord.CountingAllocator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * S3ReadChannel through a {@link FaultProxy}: each fault at random byte positions still gives the
 * exact bytes (the range is asked again from its first missing byte), a fault that outlasts the
 * retries gives an {@link ObjectReadException} naming the URI and the offset, and answers that
 * retrying cannot change (missing object, object replaced) are not retried.
 */
class S3ReadChannelFaultTest {
  private static final String BUCKET = "faults";

  @RegisterExtension
  @Order(1)
  static final S3MockExtension S3 =
      S3MockExtension.builder().silent().withInitialBuckets(BUCKET)
          // Bodies cut on purpose make the server warn that its client left.
          .withProperty("logging.level.root", "error").build();

  @RegisterExtension
  @Order(2)
  static final ProxiedStore STORE = new ProxiedStore(S3, 2207);

  private final CountingAllocator allocator = new CountingAllocator();

  enum Fault { SLOW_DOWN, CUT, SHORT_BODY, STALL }

  @AfterEach
  void nothingLeftAllocated() {
    assertThat(allocator.liveBuffers()).as("blocks not released").isZero();
  }

  static Stream<Arguments> faultsAndSeeds() {
    return Stream.of(Fault.values())
        .flatMap(fault -> Stream.of(1L, 2L, 3L).map(seed -> Arguments.of(fault, seed)));
  }

  @ParameterizedTest
  @MethodSource("faultsAndSeeds")
  void faultsAtRandomPositionsStillGiveExactBytes(Fault fault, long seed) throws IOException {
    Random random = new Random(seed);
    int size = (1 << 20) + random.nextInt(1 << 18);
    byte[] object = S3TestServer.randomBytes(random, size);
    String key = "faults/" + fault + "/" + seed;
    String eTag = S3TestServer.put(STORE.direct(), BUCKET, key, object);
    ReadAhead readAhead = new ReadAhead((32 << 10) + random.nextInt(128 << 10),
        1 + random.nextInt(6));
    // A stall is found by the request timeout alone: short here so the test is quick.
    Duration timeout = fault == Fault.STALL ? Duration.ofSeconds(1) : Duration.ofSeconds(30);
    RetryPolicy retries = new RetryPolicy(6, Duration.ofMillis(1), Duration.ofMillis(20), timeout);
    int faults = 3;
    switch (fault) {
      case SLOW_DOWN -> STORE.proxy().slowDownNext(faults);
      case CUT -> STORE.proxy().cutNext(faults, -1);
      case SHORT_BODY -> STORE.proxy().shortenNext(faults);
      case STALL -> STORE.proxy().stallNext(faults, -1);
    }

    try (S3ReadChannel channel = channel(key, size, eTag, readAhead, retries)) {
      assertThat(S3ReadChannelTest.readToEnd(channel, random, 200 << 10))
          .as("%s, %s", fault, readAhead).isEqualTo(object);
      assertThat(channel.peakBytesHeld()).isLessThanOrEqualTo(readAhead.maxBytesInFlight());
    }
    long dealt = switch (fault) {
      case SLOW_DOWN -> STORE.proxy().slowDowns();
      case CUT -> STORE.proxy().cuts();
      case SHORT_BODY -> STORE.proxy().shortBodies();
      case STALL -> STORE.proxy().stalls();
    };
    assertThat(dealt).as("faults dealt").isEqualTo(faults);
    int ranges = (size + readAhead.blockBytes() - 1) / readAhead.blockBytes();
    if (fault == Fault.STALL) {
      // A busy machine may let a healthy body outlast the short timeout too.
      assertThat(STORE.proxy().gets()).isGreaterThanOrEqualTo(ranges + faults);
    } else {
      assertThat(STORE.proxy().gets()).as("every range, and once more for each fault")
          .isEqualTo(ranges + faults);
    }
  }

  @Test
  void aBodyCutAgainAndAgainFailsNamingTheUriAndTheFirstByteNotRead() throws IOException {
    byte[] object = S3TestServer.randomBytes(new Random(7), 64 << 10);
    String key = "cut/again";
    String eTag = S3TestServer.put(STORE.direct(), BUCKET, key, object);
    STORE.proxy().cutNext(1000, 1000);
    RetryPolicy retries = new RetryPolicy(3, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(30));

    ByteArrayOutputStream read = new ByteArrayOutputStream();
    ObjectReadException failure;
    try (S3ReadChannel channel = channel(key, object.length, eTag, new ReadAhead(64 << 10, 1),
        retries)) {
      failure = catchThrowableOfType(ObjectReadException.class, () -> {
        ByteBuffer piece = ByteBuffer.allocate(700);
        while (channel.read(piece.clear()) >= 0) {
          read.write(piece.array(), 0, piece.position());
        }
      });
    }
    // Each attempt resumes where the last one broke and gets 1000 bytes more.
    assertThat(failure).isNotNull();
    assertThat(failure.uri()).isEqualTo("s3://" + BUCKET + "/" + key);
    assertThat(failure.offset()).isEqualTo(3000);
    assertThat(failure.getMessage()).contains("s3://" + BUCKET + "/" + key, "offset 3000",
        "3 attempts");
    assertThat(read.toByteArray()).isEqualTo(Arrays.copyOf(object, 3000));
    assertThat(STORE.proxy().gets()).isEqualTo(3);
  }

  @Test
  void slowDownsBeyondTheAttemptsFailAndTheSdkDoesNotRetryOnItsOwn() throws IOException {
    byte[] object = S3TestServer.randomBytes(new Random(8), 10_000);
    String key = "slow/down";
    String eTag = S3TestServer.put(STORE.direct(), BUCKET, key, object);
    STORE.proxy().slowDownNext(1000);
    RetryPolicy retries = new RetryPolicy(2, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(30));

    try (S3ReadChannel channel = channel(key, object.length, eTag, new ReadAhead(16 << 10, 1),
        retries)) {
      assertThatThrownBy(() -> channel.read(ByteBuffer.allocate(100)))
          .isInstanceOf(ObjectReadException.class)
          .hasMessageContaining("s3://" + BUCKET + "/" + key)
          .hasMessageContaining("offset 0")
          .hasMessageContaining("2 attempts")
          .hasMessageContaining("503 SlowDown");
    }
    assertThat(STORE.proxy().gets()).as("the policy's attempts, none of the SDK's").isEqualTo(2);
  }

  @Test
  void aMissingObjectFailsAtOnce() throws IOException {
    String key = "not/there";
    try (S3ReadChannel channel = channel(key, 5000, null, new ReadAhead(16 << 10, 4),
        new RetryPolicy(5, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(30)))) {
      ObjectReadException failure = catchThrowableOfType(ObjectReadException.class,
          () -> channel.read(ByteBuffer.allocate(100)));
      assertThat(failure.offset()).isZero();
      assertThat(failure.getMessage()).contains("s3://" + BUCKET + "/" + key, "1 attempt",
          "404");
    }
    assertThat(STORE.proxy().gets()).as("a 404 is not retried").isEqualTo(1);
  }

  @Test
  void anObjectReplacedWhileReadFailsNamingTheUri() throws IOException {
    Random random = new Random(9);
    byte[] object = S3TestServer.randomBytes(random, 256 << 10);
    String key = "replaced";
    String eTag = S3TestServer.put(STORE.direct(), BUCKET, key, object);

    try (S3ReadChannel channel = channel(key, object.length, eTag,
        new ReadAhead(ReadAhead.MIN_BLOCK_BYTES, 1), S3ReadChannelTest.patientRetries())) {
      // Up to the last byte of the fourth block: it has arrived whole, and at depth 1 no other
      // block is on its way (S3Mock overwrites an object in place, so a GET that overlapped the
      // replacing PUT could see a mix that a real store never serves).
      int before = (16 << 10) - 1;
      ByteBuffer start = ByteBuffer.allocate(before);
      while (start.hasRemaining()) {
        channel.read(start);
      }
      S3TestServer.put(STORE.direct(), BUCKET, key, S3TestServer.randomBytes(random, 256 << 10));
      ObjectReadException failure = catchThrowableOfType(ObjectReadException.class, () -> {
        ByteBuffer rest = ByteBuffer.allocate(object.length);
        while (channel.read(rest) >= 0) {
          assertThat(Arrays.copyOf(rest.array(), rest.position()))
              .isEqualTo(Arrays.copyOfRange(object, before, before + rest.position()));
        }
      });
      assertThat(failure).as("a read of two versions must fail").isNotNull();
      assertThat(failure.uri()).isEqualTo("s3://" + BUCKET + "/" + key);
      assertThat(failure.offset()).isEqualTo(16L << 10);
      assertThat(failure.getMessage()).contains("s3://" + BUCKET + "/" + key, "changed");
    }
  }

  private S3ReadChannel channel(String key, long size, String eTag, ReadAhead readAhead,
      RetryPolicy retries) {
    return new S3ReadChannel(STORE.proxied(), "s3://" + BUCKET + "/" + key, BUCKET, key, size, eTag,
        readAhead, retries, allocator);
  }
}
