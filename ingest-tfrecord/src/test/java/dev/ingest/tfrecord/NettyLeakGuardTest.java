package dev.ingest.tfrecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The leak guard reaches jqwik's properties (through its jqwik hook, not JUnit Jupiter's
 * callbacks): a property that passes but leaks a buffer fails, one that releases passes.
 */
class NettyLeakGuardTest {
  @Test
  void aPropertyThatLeaksABufferFailsAndOneThatReleasesItPasses() {
    assertThat(runProperty("leaksABuffer(int)"))
        .satisfies(result -> {
          assertThat(result.getStatus()).isEqualTo(TestExecutionResult.Status.FAILED);
          assertThat(result.getThrowable()).get().asString().contains("leaked");
        });
    assertThat(runProperty("releasesItsBuffer(int)").getStatus())
        .isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
  }

  /** Runs one property of {@link LeakingPropertyFixture} on the jqwik engine; its result. */
  private static TestExecutionResult runProperty(String method) {
    Map<String, TestExecutionResult> results = new ConcurrentHashMap<>();
    Launcher launcher = LauncherFactory.create();
    launcher.execute(LauncherDiscoveryRequestBuilder.request()
            .selectors(selectMethod(LeakingPropertyFixture.class.getName() + "#" + method))
            .filters(org.junit.platform.launcher.EngineFilter.includeEngines("jqwik"))
            .build(),
        new TestExecutionListener() {
          @Override
          public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            if (test.isTest()) {
              results.put(test.getDisplayName(), result);
            }
          }
        });
    assertThat(results).hasSize(1);
    return results.values().iterator().next();
  }
}
