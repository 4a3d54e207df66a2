package dev.ingest.runtime;

/**
 * The chi-squared distribution's upper tail, for the statistical tests' bounds: {@link
 * #survival} is the regularized upper incomplete gamma function Q(k/2, x/2) (series below
 * a + 1, Lentz's continued fraction above, as in Numerical Recipes §6.2), and {@link #quantile}
 * inverts it by bisection. Accurate to about 1e-10 relative, far more than a bound needs.
 */
public final class ChiSquared {
  private ChiSquared() {}

  /** P(X > x) for X chi-squared with {@code degrees} degrees of freedom. */
  public static double survival(int degrees, double x) {
    if (degrees < 1) {
      throw new IllegalArgumentException("degrees of freedom must be positive, got " + degrees);
    }
    if (x <= 0) {
      return 1;
    }
    double a = degrees / 2.0;
    double z = x / 2.0;
    double logPrefix = -z + a * Math.log(z) - logGamma(a);
    if (z < a + 1) {
      // Lower series: P(a, z) = e^-z z^a / Gamma(a) * sum z^n / (a (a+1) ... (a+n)).
      double term = 1 / a;
      double sum = term;
      for (int n = 1; n < 10_000 && Math.abs(term) > Math.abs(sum) * 1e-16; n++) {
        term *= z / (a + n);
        sum += term;
      }
      return 1 - sum * Math.exp(logPrefix);
    }
    // Upper continued fraction (modified Lentz).
    double tiny = 1e-300;
    double b = z + 1 - a;
    double c = 1 / tiny;
    double d = 1 / b;
    double h = d;
    for (int i = 1; i < 10_000; i++) {
      double an = -i * (i - a);
      b += 2;
      d = an * d + b;
      d = Math.abs(d) < tiny ? tiny : d;
      c = b + an / c;
      c = Math.abs(c) < tiny ? tiny : c;
      d = 1 / d;
      double delta = d * c;
      h *= delta;
      if (Math.abs(delta - 1) < 1e-16) {
        break;
      }
    }
    return Math.exp(logPrefix) * h;
  }

  /** The x with P(X > x) = {@code tail}: the bound a statistic stays under but with that chance. */
  public static double quantile(int degrees, double tail) {
    double low = 0;
    double high = degrees + 10;
    while (survival(degrees, high) > tail) {
      high *= 2;
    }
    for (int i = 0; i < 200 && high - low > 1e-9 * high; i++) {
      double middle = (low + high) / 2;
      if (survival(degrees, middle) > tail) {
        low = middle;
      } else {
        high = middle;
      }
    }
    return high;
  }

  /** ln Gamma(a) for a > 0 (Lanczos, g = 7, n = 9). */
  static double logGamma(double a) {
    double[] coefficients = {0.99999999999980993, 676.5203681218851, -1259.1392167224028,
        771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
        9.9843695780195716e-6, 1.5056327351493116e-7};
    if (a < 0.5) {
      return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * a))) - logGamma(1 - a);
    }
    double x = a - 1;
    double sum = coefficients[0];
    for (int i = 1; i < coefficients.length; i++) {
      sum += coefficients[i] / (x + i);
    }
    double t = x + 7.5;
    return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum);
  }
}
