package io.datapusher.worker.analyze;

/**
 * How a file writes numbers. One style per file, decided by its data: a column that parses only
 * with decimal commas is evidence for {@link #DECIMAL_COMMA}, one that parses only with decimal
 * points for {@link #DECIMAL_POINT}. Plain numbers ({@code 1234}, {@code -5}) read the same in both.
 */
enum NumberStyle {
    /** {@code 1234.5}, {@code 1,234.5}, {@code 1e5}: comma groups thousands, point marks decimals. */
    DECIMAL_POINT,
    /** {@code 1234,5}, {@code 1.234,5}: point groups thousands, comma marks decimals. */
    DECIMAL_COMMA
}
