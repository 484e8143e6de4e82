package io.datapusher.worker.saga.step;

import io.datapusher.worker.StepId;
import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.AnalysisException;
import io.datapusher.worker.analyze.AnalysisOptions;
import io.datapusher.worker.config.IngestConfig;
import io.datapusher.worker.formats.CsvAnalyzer;
import io.datapusher.worker.formats.FileAnalyzer;
import io.datapusher.worker.formats.SheetChoice;
import io.datapusher.worker.formats.TextReading;
import io.datapusher.worker.progress.Phase;
import io.datapusher.worker.service.IngestJobService;
import io.datapusher.worker.service.Offload;
import io.datapusher.worker.settings.ResourceField;
import io.datapusher.worker.settings.ResourceSettings;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code analyze}: reads the whole file once to find its format, headers and column types. The
 * format comes from the resource's {@code format} field, else from the file's first bytes
 * ({@link FileAnalyzer}): delimited text, XLSX, XLS, or a ZIP holding one of them. Anything else
 * (an HTML page, a binary or empty file) fails with a clear error instead of loading garbage.
 *
 * <p>It reads the file as the job's settings say (sheet, delimiter, encoding, header row, date order,
 * NULL texts), then records what it detected for the rest on the job's {@code settings}.
 */
@ApplicationScoped
public class AnalyzeStep implements IngestStep {

    private final CsvAnalyzer analyzer = new CsvAnalyzer();
    private final IngestConfig config;
    private final IngestJobService jobs;

    public AnalyzeStep(IngestConfig config, IngestJobService jobs) {
        this.config = config;
        this.jobs = jobs;
    }

    @Override
    public StepId id() {
        return StepId.ANALYZE;
    }

    @Override
    public Uni<StepOutcome> execute(IngestContext context) {
        return Offload.blocking(() -> {
            context.progress().enter(Phase.ANALYSIS);
            try {
                ResourceSettings settings = context.settings();
                AnalysisOptions options = AnalysisOptionsFactory.from(config.analysis(), settings);
                FileAnalyzer files = new FileAnalyzer(config.download().maxBytes(),
                        SheetChoice.of(settings.sheet(), settings.sheetSettingName()), context.progress()::rows);
                TextReading reading = new TextReading(settings.encoding(),
                        "the resource field " + ResourceField.ENCODING.field(), settings.delimiter());
                Analysis analysis = files.analyze(context.file().path(), context.resource().format(), options,
                        path -> analyzer.analyze(path, options, reading, context.progress()::rows));
                context.analysis(analysis);
                context.progress().rowsTotal(analysis.rows());
                ResourceSettings used = settings.withDetected(analysis.reading(), analysis.encoding());
                context.settings(used);
                List<String> warnings = new ArrayList<>(analysis.warnings());
                used.warnings().stream().filter(w -> !settings.warnings().contains(w)).forEach(warnings::add);
                return StepOutcome.done(analysis.rows() + " rows, " + analysis.columns().size()
                        + " columns, " + analysis.encoding() + ", " + analysis.format(), warnings);
            } catch (AnalysisException e) {
                throw StepFailure.failed(e.getMessage(), e);
            }
        }).call(() -> jobs.recordSettings(context.jobId(), context.settings().toJson()));
    }
}
