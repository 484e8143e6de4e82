package io.datapusher.worker.saga.step;

import io.datapusher.worker.StepId;
import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.AnalysisException;
import io.datapusher.worker.analyze.AnalysisOptions;
import io.datapusher.worker.analyze.CsvAnalyzer;
import io.datapusher.worker.config.IngestConfig;
import io.datapusher.worker.saga.IngestContext;
import io.datapusher.worker.saga.IngestStep;
import io.datapusher.worker.saga.Offload;
import io.datapusher.worker.saga.StepFailure;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Locale;
import java.util.Set;

/**
 * {@code analyze}: reads the whole file once to find its dialect, headers and column types. Only
 * delimited text is supported so far; other formats fail with a clear error instead of loading
 * garbage.
 */
@ApplicationScoped
public class AnalyzeStep implements IngestStep {

    private static final Set<String> DELIMITED = Set.of("", "csv", "tsv", "txt", "text/csv", "psv", "tab");

    private final CsvAnalyzer analyzer = new CsvAnalyzer();

    @Inject
    IngestConfig config;

    @Override
    public StepId id() {
        return StepId.ANALYZE;
    }

    @Override
    public Uni<IngestContext> execute(IngestContext context) {
        return Offload.blocking(() -> {
            String format = context.resource().format().trim().toLowerCase(Locale.ROOT);
            if (!DELIMITED.contains(format)) {
                throw StepFailure.failed("the resource's format is " + context.resource().format()
                        + "; only CSV and other delimited text files are supported");
            }
            try {
                AnalysisOptions options = AnalysisOptionsFactory.from(config, context.resource().extras());
                Analysis analysis = analyzer.analyze(context.file().path(), options);
                return context.withAnalysis(analysis, analysis.rows() + " rows, " + analysis.columns().size()
                        + " columns, " + analysis.encoding() + ", " + analysis.format()
                        + (analysis.warnings().isEmpty() ? "" : "; warnings: " + String.join("; ", analysis.warnings())));
            } catch (AnalysisException e) {
                throw StepFailure.failed(e.getMessage(), e);
            }
        });
    }
}
