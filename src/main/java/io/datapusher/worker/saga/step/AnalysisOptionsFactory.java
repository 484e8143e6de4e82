package io.datapusher.worker.saga.step;

import com.fasterxml.jackson.databind.JsonNode;
import io.datapusher.worker.analyze.AnalysisException;
import io.datapusher.worker.analyze.AnalysisOptions;
import io.datapusher.worker.config.IngestConfig;
import io.datapusher.worker.settings.InvalidSettingException;
import io.datapusher.worker.settings.ResourceSettings;
import io.datapusher.worker.settings.SettingsResolver;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the analysis options of one job from its resolved settings (the curator's
 * {@code datapusher_*} resource fields over the operator's {@code INGEST_*} configuration) and the
 * caps only the operator sets.
 */
final class AnalysisOptionsFactory {

    static final String SKIP_ROWS_EXTRA = "datapusher_skip_rows";

    private AnalysisOptionsFactory() {
    }

    static AnalysisOptions from(IngestConfig.Analysis config, JsonNode resource) throws AnalysisException {
        try {
            return from(config, SettingsResolver.resolve(resource, config));
        } catch (InvalidSettingException e) {
            throw new AnalysisException(e.getMessage(), e);
        }
    }

    /** @param settings the job's resolved settings: header row, date order and NULL texts come from them */
    static AnalysisOptions from(IngestConfig.Analysis config, ResourceSettings settings) {
        return AnalysisOptions.DEFAULTS
                .withSkipRows(settings.skipRows())
                .withDateOrder(settings.dateOrder())
                .withNullValues(Set.copyOf(settings.nullValues()))
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
