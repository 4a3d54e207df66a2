package dev.ingest.tfrecord;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector reports a buffer that was garbage collected
 * without being released. Registered for every test class through the service loader (see
 * {@code META-INF/services}); the build runs tests with detection at PARANOID, so every buffer
 * is tracked.
 *
 * <p>The detector only notices a leak when the leaked buffer has been collected and another
 * buffer is then allocated, so after each class this asks for a collection and allocates a few
 * buffers. That is best effort; tests that must prove "no leak" deterministically count live
 * buffers with {@link CountingAllocator}.
 */
public final class NettyLeakGuard implements AfterAllCallback {
  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

  static {
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    for (int round = 0; round < 3 && LEAKS.isEmpty(); round++) {
      System.gc();
      System.runFinalization();
      for (int i = 0; i < 64; i++) {
        ByteBuf probe = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        probe.release();
      }
    }
    List<String> leaks = List.copyOf(LEAKS);
    LEAKS.clear();
    assertThat(leaks).as("Netty buffers leaked by %s", context.getDisplayName()).isEmpty();
  }

  private static final class RecordingFactory extends ResourceLeakDetectorFactory {
    @Override
    @SuppressWarnings("deprecation")
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval, long maxActive) {
      return new ResourceLeakDetector<T>(resource, samplingInterval) {
        @Override
        protected boolean needReport() {
          return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
          LEAKS.add(resourceType + " leaked:" + records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
          LEAKS.add(resourceType + " leaked (no access records)");
        }
      };
    }
  }
}
