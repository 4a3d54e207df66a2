package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The statistical tests' bounds: chi-squared quantiles against published reference values. */
class ChiSquaredTest {
  @Test
  void quantilesMatchReferenceValues() {
    // Upper-tail quantiles as tabulated by scipy.stats.chi2.isf(tail, degrees).
    assertThat(ChiSquared.quantile(1, 1e-6)).isCloseTo(23.928127, within(1e-5));
    assertThat(ChiSquared.quantile(2, 1e-6)).isCloseTo(27.631021, within(1e-5));
    assertThat(ChiSquared.quantile(9, 1e-6)).isCloseTo(44.810938, within(1e-5));
    assertThat(ChiSquared.quantile(19, 1e-4)).isCloseTo(50.795490, within(1e-5));
    assertThat(ChiSquared.quantile(63, 1e-6)).isCloseTo(131.369702, within(1e-4));
    assertThat(ChiSquared.quantile(300, 1e-6)).isCloseTo(431.141358, within(1e-4));
  }

  @Test
  void survivalOfEvenDegreesIsTheClosedForm() {
    // For 2m degrees, P(X > x) = e^(-x/2) * sum_{i<m} (x/2)^i / i!.
    for (int m = 1; m <= 6; m++) {
      for (double x : new double[] {0.5, 3, 12, 40}) {
        double term = 1;
        double sum = 0;
        for (int i = 0; i < m; i++) {
          sum += term;
          term *= x / 2 / (i + 1);
        }
        assertThat(ChiSquared.survival(2 * m, x))
            .isCloseTo(Math.exp(-x / 2) * sum, within(1e-12));
      }
    }
  }
}
