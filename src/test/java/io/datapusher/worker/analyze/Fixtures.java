package io.datapusher.worker.analyze;

import io.datapusher.worker.formats.CsvAnalyzer;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Small files written from Java strings, so every fixture is visible next to its test. */
public final class Fixtures {

    private Fixtures() {
    }

    public static Path write(Path dir, String content) {
        return writeBytes(dir, content.getBytes(StandardCharsets.UTF_8));
    }

    public static Path writeBytes(Path dir, byte[] content) {
        try {
            return Files.write(Files.createTempFile(dir, "fixture", ".csv"), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Analysis analyze(Path dir, String content) throws AnalysisException {
        return new CsvAnalyzer().analyze(write(dir, content));
    }

    public static Analysis analyze(Path dir, String content, AnalysisOptions options) throws AnalysisException {
        return new CsvAnalyzer().analyze(write(dir, content), options);
    }

    public static List<String> ids(Analysis analysis) {
        return analysis.columns().stream().map(ColumnProfile::id).toList();
    }

    public static List<String> labels(Analysis analysis) {
        return analysis.columns().stream().map(ColumnProfile::label).toList();
    }

    public static ColumnProfile column(Analysis analysis, String id) {
        return analysis.columns().stream().filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no column " + id + " in " + ids(analysis)));
    }

    /** What the row stream writes with the inferred types. */
    public static String copyText(Analysis analysis) throws IOException {
        StringWriter out = new StringWriter();
        List<ColumnType> types = analysis.columns().stream().map(ColumnProfile::inferredType).toList();
        long rows = analysis.rowStream().copyTo(out, types);
        if (rows != analysis.rows()) {
            throw new AssertionError("row stream wrote " + rows + " rows, analysis counted " + analysis.rows());
        }
        return out.toString();
    }
}
