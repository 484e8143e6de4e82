package io.datapusher.worker.saga.step;

import io.datapusher.worker.StepId;
import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.AnalysisException;
import io.datapusher.worker.analyze.AnalysisOptions;
import io.datapusher.worker.config.IngestConfig;
import io.datapusher.worker.formats.CsvAnalyzer;
import io.datapusher.worker.formats.FileAnalyzer;
import io.datapusher.worker.formats.SheetChoice;
import io.datapusher.worker.service.Offload;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code analyze}: reads the whole file once to find its format, headers and column types. The
 * format comes from the resource's {@code format} field, else from the file's first bytes
 * ({@link FileAnalyzer}): delimited text, XLSX, XLS, or a ZIP holding one of them. Anything else
 * (an HTML page, a binary or empty file) fails with a clear error instead of loading garbage.
 */
@ApplicationScoped
public class AnalyzeStep implements IngestStep {

    private final CsvAnalyzer analyzer = new CsvAnalyzer();
    private final FileAnalyzer files;
    private final IngestConfig config;

    public AnalyzeStep(IngestConfig config) {
        this.config = config;
        this.files = new FileAnalyzer(config.download().maxBytes(), SheetChoice.of(config.analysis().excelSheet()));
    }

    @Override
    public StepId id() {
        return StepId.ANALYZE;
    }

    @Override
    public Uni<StepOutcome> execute(IngestContext context) {
        return Offload.blocking(() -> {
            try {
                AnalysisOptions options = AnalysisOptionsFactory.from(config.analysis(), context.resource().extras());
                Analysis analysis = files.analyze(context.file().path(), context.resource().format(), options,
                        path -> analyzer.analyze(path, options));
                context.analysis(analysis);
                return StepOutcome.done(analysis.rows() + " rows, " + analysis.columns().size()
                        + " columns, " + analysis.encoding() + ", " + analysis.format(), analysis.warnings());
            } catch (AnalysisException e) {
                throw StepFailure.failed(e.getMessage(), e);
            }
        });
    }
}
