package io.datapusher.worker.saga.step;

import com.fasterxml.jackson.databind.JsonNode;
import io.datapusher.worker.analyze.AnalysisException;
import io.datapusher.worker.analyze.AnalysisOptions;
import io.datapusher.worker.analyze.DateOrder;
import io.datapusher.worker.config.IngestConfig;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the analysis options of one job from the operator's configuration ({@code INGEST_*}) and
 * the curator's resource extras ({@code datapusher_skip_rows}), which win where both apply.
 */
final class AnalysisOptionsFactory {

    static final String SKIP_ROWS_EXTRA = "datapusher_skip_rows";

    private AnalysisOptionsFactory() {
    }

    static AnalysisOptions from(IngestConfig.Analysis config, JsonNode resource) throws AnalysisException {
        DateOrder order;
        try {
            order = DateOrder.parse(config.dateOrder());
        } catch (IllegalArgumentException e) {
            throw new AnalysisException("INGEST_DATE_ORDER must be mdy or dmy, not \"" + config.dateOrder() + "\"");
        }
        return AnalysisOptions.DEFAULTS
                .withSkipRows(skipRows(resource))
                .withDateOrder(order)
                .withNullValues(Set.copyOf(config.nullValues().orElse(List.of())))
                .withMaxQuarantinePercent(config.maxQuarantinePercent())
                .withCaps(config.maxColumns(), config.maxCellChars());
    }

    /**
     * The resource extra {@code datapusher_skip_rows}: a whole number of lines (CKAN stores extras
     * as strings, so {@code "3"} and {@code 3} both count). Absent or empty means "detect title rows".
     */
    static Optional<Integer> skipRows(JsonNode resource) throws AnalysisException {
        JsonNode value = resource == null ? null : resource.get(SKIP_ROWS_EXTRA);
        if (value == null || value.isNull() || value.asText("").isBlank()) {
            return Optional.empty();
        }
        String text = value.asText().trim();
        try {
            int rows = Integer.parseInt(text);
            if (rows >= 0) {
                return Optional.of(rows);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new AnalysisException("the resource extra " + SKIP_ROWS_EXTRA
                + " must be a whole number of lines to skip before the header, not \"" + text + "\"");
    }
}
