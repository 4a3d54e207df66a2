package dev.ingest.tfrecord;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.lang.reflect.AnnotatedElement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector reports a buffer that was garbage collected
 * without being released. Registered for every test class through the service loader (see
 * {@code META-INF/services}); the build runs tests with detection at PARANOID, so every buffer
 * is tracked.
 *
 * <p>jqwik runs its properties on an engine of its own, which never calls JUnit Jupiter's
 * callbacks: for them the same check is a jqwik hook around each property, registered for every
 * property through {@code META-INF/services/net.jqwik.api.lifecycle.LifecycleHook}. A property
 * that passes but leaked fails, named.
 *
 * <p>The detector only notices a leak when the leaked buffer has been collected and another
 * buffer is then allocated, so after each class this asks for a collection and allocates a few
 * buffers. That is best effort; tests that must prove "no leak" deterministically count live
 * buffers with {@link CountingAllocator}.
 */
public final class NettyLeakGuard implements AfterAllCallback, AroundPropertyHook {
  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

  static {
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    assertThat(collectLeaks()).as("Netty buffers leaked by %s", context.getDisplayName()).isEmpty();
  }

  @Override
  public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context,
      PropertyExecutor property) {
    PropertyExecutionResult result = property.execute();
    List<String> leaks = collectLeaks();
    if (leaks.isEmpty() || result.status() != PropertyExecutionResult.Status.SUCCESSFUL) {
      return result; // a failing property's own failure says more than its leaks
    }
    return result.mapToFailed(new AssertionError(
        "Netty buffers leaked by property " + context.extendedLabel() + ": " + leaks));
  }

  /** Every property, in every container: a hook found by the service loader applies to all. */
  @Override
  public PropagationMode propagateTo() {
    return PropagationMode.ALL_DESCENDANTS;
  }

  @Override
  public boolean appliesTo(Optional<AnnotatedElement> element) {
    return true;
  }

  /** The leaks reported since the last call, after nudging the detector to look. */
  private static List<String> collectLeaks() {
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
    return leaks;
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
