package dev.ingest;

/**
 * The pipeline cannot make progress within its memory budget: a single batch, or the shuffle
 * buffer, needs more bytes than the budget allows. Raise {@code memory_budget}, or lower
 * {@code batch_size} or the shuffle {@code buffer_size}.
 */
public final class MemoryBudgetException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MemoryBudgetException(String message) {
    super(message);
  }
}
