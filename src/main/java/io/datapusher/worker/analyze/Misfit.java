package io.datapusher.worker.analyze;

/** The first value of a column that does not fit a type, with the file line it came from (1-based). */
public record Misfit(String value, long line) {
}
