package io.datapusher.worker.saga.step;

import com.fasterxml.jackson.databind.JsonNode;
import io.datapusher.worker.analyze.AnalysisException;
import io.datapusher.worker.analyze.AnalysisOptions;
import io.datapusher.worker.config.IngestConfig;
import io.datapusher.worker.settings.InvalidSettingException;
import io.datapusher.worker.settings.ResourceSettings;
import io.datapusher.worker.settings.SettingsResolver;

import java.util.Set;

/**
 * Builds the analysis options of one job from its resolved settings (the curator's
 * {@code datapusher_*} resource fields over the operator's {@code INGEST_*} configuration) and the
 * caps only the operator sets.
 */
final class AnalysisOptionsFactory {

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
}
