package io.datapusher.worker.formats;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.ColumnProfile;
import io.datapusher.worker.analyze.ColumnType;
import org.apache.poi.ss.usermodel.Workbook;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** Tiny workbooks and archives built by the tests themselves, and ways to look at the result. */
final class Workbooks {

    static final long CAP = 10L * 1024 * 1024;

    private Workbooks() {
    }

    static Path write(Workbook workbook, Path file) throws IOException {
        try (workbook; OutputStream out = Files.newOutputStream(file)) {
            workbook.write(out);
        }
        return file;
    }

    static Analysis analyze(Path file, String declared) throws Exception {
        return analyze(file, declared, Optional.empty());
    }

    static Analysis analyze(Path file, String declared, Optional<String> sheet) throws Exception {
        SpreadsheetSafety.configure(CAP); // what the service sets at startup from INGEST_DOWNLOAD_MAX_BYTES
        return new FileAnalyzer(CAP, SheetChoice.of(sheet)).analyze(file, declared, new CsvAnalyzer()::analyze);
    }

    static List<String> labels(Analysis analysis) {
        return analysis.columns().stream().map(ColumnProfile::label).toList();
    }

    static List<String> ids(Analysis analysis) {
        return analysis.columns().stream().map(ColumnProfile::id).toList();
    }

    static ColumnProfile column(Analysis analysis, String label) {
        return analysis.columns().stream().filter(c -> c.label().equals(label)).findFirst().orElseThrow();
    }

    /** The rows as COPY receives them (CSV, every column as text). */
    static String copyText(Analysis analysis) throws Exception {
        StringWriter out = new StringWriter();
        analysis.rowStream().copyTo(out, Collections.nCopies(analysis.columns().size(), ColumnType.TEXT));
        return out.toString();
    }
}
