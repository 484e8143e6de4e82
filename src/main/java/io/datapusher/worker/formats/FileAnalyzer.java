package io.datapusher.worker.formats;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.AnalysisException;
import io.datapusher.worker.analyze.AnalysisOptions;
import io.datapusher.worker.analyze.TableAnalyzer;

import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * Analyses a downloaded file whatever its format: detects it ({@link FormatDetector}), reads
 * spreadsheets through their record sources and hands delimited text to the CSV analyzer; a ZIP
 * archive with one data file is opened and its file analysed the same way. The table logic
 * (header, title rows, ragged rows, types) is {@link TableAnalyzer}'s, the same for every format.
 */
public final class FileAnalyzer {

    /** The CSV side: the analyzer that sniffs encoding and delimiter of a text file. */
    @FunctionalInterface
    public interface TextAnalyzer {
        Analysis analyze(Path file) throws AnalysisException;
    }

    private final long maxBytes;
    private final SheetChoice sheet;
    private final LongConsumer rowsRead;

    /**
     * @param maxBytes {@code INGEST_DOWNLOAD_MAX_BYTES}, also the cap on anything inflated from an
     *                 archive or workbook
     */
    public FileAnalyzer(long maxBytes, SheetChoice sheet) {
        this(maxBytes, sheet, rows -> { });
    }

    /** @param rowsRead told a sheet's data rows read so far (delimited text tells {@code text}'s own) */
    public FileAnalyzer(long maxBytes, SheetChoice sheet, LongConsumer rowsRead) {
        this.maxBytes = maxBytes;
        this.sheet = sheet;
        this.rowsRead = rowsRead;
    }

    /**
     * @param declaredFormat the resource's {@code format} field, possibly blank
     */
    public Analysis analyze(Path file, String declaredFormat, TextAnalyzer text) throws AnalysisException {
        return analyze(file, declaredFormat, AnalysisOptions.DEFAULTS, text);
    }

    /**
     * @param declaredFormat the resource's {@code format} field, possibly blank
     * @param options        the table rules (title rows, dates, NULLs, caps) for sheets; delimited
     *                       text gets them through {@code text}
     */
    public Analysis analyze(Path file, String declaredFormat, AnalysisOptions options, TextAnalyzer text)
            throws AnalysisException {
        TableAnalyzer tables = new TableAnalyzer(options, rowsRead);
        FileFormat format = FormatDetector.detect(file, declaredFormat);
        if (format != FileFormat.ZIP) {
            return analyze(file, format, tables, text);
        }
        ZipEntryExtractor.Extracted entry = ZipEntryExtractor.extractSingle(file, maxBytes);
        // the archive's label was "zip": what is inside is known only from its bytes
        FileFormat inner = FormatDetector.detect(entry.file(), "");
        if (inner == FileFormat.ZIP) {
            throw new AnalysisException("the ZIP archive holds another archive (" + entry.entryName()
                    + "); the worker opens one level only");
        }
        Analysis analysis = analyze(entry.file(), inner, tables, text);
        return new Analysis(analysis.columns(), analysis.rows(), analysis.encoding(),
                "zip entry \"" + entry.entryName() + "\", " + analysis.format(), analysis.warnings(), analysis.rowStream(),
                analysis.reading());
    }

    private Analysis analyze(Path file, FileFormat format, TableAnalyzer tables, TextAnalyzer text)
            throws AnalysisException {
        return switch (format) {
            case DELIMITED -> text.analyze(file);
            case XLSX -> tables.analyze(XlsxRecordSource.open(file, sheet));
            case XLS -> tables.analyze(XlsRecordSource.open(file, sheet));
            case ZIP -> throw new IllegalStateException("archives are opened before this point");
        };
    }
}
