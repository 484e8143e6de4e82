package io.datapusher.worker.formats;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.AnalysisException;
import io.datapusher.worker.analyze.AnalysisOptions;
import io.datapusher.worker.analyze.RecordSource;
import io.datapusher.worker.analyze.RowStream;
import io.datapusher.worker.analyze.TableAnalyzer;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * Analyses a delimited text file: finds how to read it (encoding, delimiter), then hands a CSV
 * {@link RecordSource} to {@link TableAnalyzer}, which holds every row, header and type rule.
 *
 * <p>The file is read several times, each cheap and sequential: a strict UTF-8 check of every byte
 * (so a bad byte deep in the file is found here, not in the middle of COPY; {@link EncodingDetector}),
 * the analysis, and later the {@link RowStream} for the load. Line numbers in messages are physical lines, 1-based, of the
 * start of the record.
 */
public final class CsvAnalyzer {

    /**
     * @param sniffChars   how much of the file the delimiter sniffer reads at most
     * @param sniffRecords how many non-blank records it compares at most
     */
    public record Options(int sniffChars, int sniffRecords) {

        public static final Options DEFAULTS = new Options(64 * 1024, 50);

        public Options {
            if (sniffChars < 1 || sniffRecords < 1) {
                throw new IllegalArgumentException("sniffChars and sniffRecords must be positive");
            }
        }
    }

    private final Options options;

    public CsvAnalyzer() {
        this(Options.DEFAULTS);
    }

    public CsvAnalyzer(Options options) {
        this.options = options;
    }

    public Analysis analyze(Path file) throws AnalysisException {
        return analyze(file, AnalysisOptions.DEFAULTS);
    }

    /** @param analysisOptions skip rows, date order, NULL sentinels, quarantine and caps */
    public Analysis analyze(Path file, AnalysisOptions analysisOptions) throws AnalysisException {
        return analyze(file, analysisOptions, TextReading.DETECT);
    }

    /**
     * @param reading the encoding and delimiter a curator set for this resource; what it leaves out
     *                is detected
     */
    public Analysis analyze(Path file, AnalysisOptions analysisOptions, TextReading reading) throws AnalysisException {
        return analyze(file, analysisOptions, reading, rows -> { });
    }

    /** @param rowsRead told the data rows read so far, for the job's progress */
    public Analysis analyze(Path file, AnalysisOptions analysisOptions, TextReading reading, LongConsumer rowsRead)
            throws AnalysisException {
        try {
            DetectedEncoding encoding = reading.encoding().isPresent()
                    ? EncodingDetector.given(file, reading.encoding().get(), reading.encodingSetting())
                    : EncodingDetector.detect(file);
            char delimiter = reading.delimiter().isPresent() ? reading.delimiter().get() : sniffDelimiter(file, encoding);
            CsvDialect dialect = new CsvDialect(delimiter, encoding);
            return new TableAnalyzer(analysisOptions, rowsRead).analyze(new CsvRecordSource(file, dialect));
        } catch (IOException e) {
            throw new AnalysisException("the file could not be read: " + e.getMessage(), e);
        }
    }

    private char sniffDelimiter(Path file, DetectedEncoding encoding) throws IOException {
        try (Reader in = EncodingDetector.open(file, encoding)) {
            return new DelimiterSniffer(options.sniffChars(), options.sniffRecords()).sniff(in);
        }
    }
}
