package io.datapusher.worker.analyze;

import java.util.Optional;

/**
 * How the analysis found the table in the file, in the terms a curator's settings use, so that a
 * job can say what it detected where nothing was set.
 *
 * @param delimiter  the field separator of delimited text as a setting writes it ({@code ;}, {@code tab});
 *                   empty for workbooks
 * @param sheet      the name of the workbook sheet that was loaded; empty for delimited text
 * @param headerLine the 1-based line (or sheet row) of the header
 */
public record Reading(Optional<String> delimiter, Optional<String> sheet, long headerLine) {

    /** For analyses made without a record source (test fixtures). */
    public static final Reading UNKNOWN = new Reading(Optional.empty(), Optional.empty(), 0);
}
