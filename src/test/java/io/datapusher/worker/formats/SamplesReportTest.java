package io.datapusher.worker.formats;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.AnalysisException;
import io.datapusher.worker.analyze.ColumnProfile;
import io.datapusher.worker.analyze.ColumnType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every CSV/TSV/PSV file of {@code ../shared/samples}, and the first sheet of every workbook there
 * (read in place, never copied), analyses and streams with its MANIFEST "non-blank" row count and no U+FFFD, or fails for
 * a reason named here.
 *
 * <p>The table it generates is the samples report of {@code docs/hostile-input.md}, between the
 * {@code samples-report} markers: the test fails when that copy is stale, and
 * {@code -Dsamples.report.update=true} (see {@code scripts/update-samples-report}) rewrites it.
 */
@DisplayName("Samples sweep: every sample loads with its MANIFEST row count, and the published report is current")
class SamplesReportTest {

    private static final Path SAMPLES = Path.of("../shared/samples");
    private static final Path REPORT = Path.of("target/samples-report.md");
    private static final Path PUBLISHED = Path.of("docs/hostile-input.md");
    private static final String START = "<!-- samples-report:start -->\n";
    private static final String END = "<!-- samples-report:end -->";

    /** First sheets of the workbooks, with the MANIFEST's data-row and column counts of that sheet. */
    private static final List<Expectation> WORKBOOKS = List.of(
            new Expectation("xloader_go-realtime.xlsx", 48, 6),
            new Expectation("csvkit_ne_1033_data.xlsx", 1036, 14),
            new Expectation("messytables_large.xlsx", 32, 11));

    /**
     * Samples whose right row count differs from the MANIFEST's, with the reason. The MANIFEST
     * counts the rows after the first; this sheet opens with a title and a subtitle above its header.
     */
    private static final Map<String, Long> KNOWN_DIFFERENCES = Map.of("messytables_large.xlsx", 30L);

    /** Samples that are expected to fail, with the start of the reason. None today. */
    private static final Map<String, String> EXPECTED_FAILURES = Map.of();

    /** Notes the MANIFEST cannot give: why the numbers look the way they do. */
    private static final Map<String, String> NOTES = Map.of(
            "messytables_excel_pasting.csv", "title and units rows skipped; footers loaded as rows",
            "frictionless_issue-1066.csv", "runaway quote on line 35 reported as a warning",
            "datasets_co2-mm-mlo.csv", "header widened from 6 to 7 columns",
            "messytables_utf-16le_encoded.csv", "UTF-16LE BOM; thousands separators read as numbers",
            "xloader_non_utf8_sample.csv", "single 0xDA byte on the last line",
            "messytables_211.csv", "0x9D is undefined in Windows-1252, so Latin-1",
            "xloader_go-realtime.xlsx", "first sheet, Realtime; F38 holds a value under a blank header",
            "messytables_large.xlsx", "first sheet, Report: a title and a subtitle above the header, so 30 data rows "
                    + "where the MANIFEST counts every row after the first; formulas give their cached values");

    record Expectation(String file, long nonBlankRows, int columns) {
    }

    record Outcome(Expectation expected, String status, long rows, int columns, String encoding,
                   String format, String note) {
    }

    @Test
    void everyDelimitedSampleLoadsWithItsManifestRowCount() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(SAMPLES), "../shared/samples is absent");
        List<Expectation> expectations = new ArrayList<>(readManifest(SAMPLES.resolve("MANIFEST.md")));
        assertFalse(expectations.isEmpty(), "the MANIFEST lists delimited files");
        expectations.addAll(WORKBOOKS);
        List<Outcome> outcomes = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Expectation expected : expectations) {
            Outcome outcome = run(expected);
            outcomes.add(outcome);
            String failure = EXPECTED_FAILURES.get(expected.file());
            if (failure != null) {
                if (!outcome.status().equals("failed") || !outcome.note().startsWith(failure)) {
                    problems.add(expected.file() + ": expected to fail with \"" + failure + "\" but " + outcome);
                }
            } else if (!outcome.status().equals("loaded")
                    || outcome.rows() != KNOWN_DIFFERENCES.getOrDefault(expected.file(), expected.nonBlankRows())) {
                problems.add(expected.file() + ": expected " + expected.nonBlankRows() + " rows, got " + outcome);
            }
        }
        Files.createDirectories(REPORT.getParent());
        String table = markdown(outcomes);
        Files.writeString(REPORT, table, StandardCharsets.UTF_8);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        keepPublishedReportCurrent(table);
    }

    private static void keepPublishedReportCurrent(String table) throws IOException {
        String readme = Files.readString(PUBLISHED, StandardCharsets.UTF_8);
        int start = readme.indexOf(START);
        int end = readme.indexOf(END);
        assertTrue(start >= 0 && end > start, "docs/hostile-input.md has the samples-report markers");
        String current = readme.substring(start + START.length(), end);
        if (Boolean.getBoolean("samples.report.update")) {
            Files.writeString(PUBLISHED, readme.substring(0, start + START.length()) + table + readme.substring(end),
                    StandardCharsets.UTF_8);
            return;
        }
        assertEquals(table, current, "the samples report in docs/hostile-input.md is stale: run scripts/update-samples-report");
    }

    private static Outcome run(Expectation expected) throws IOException {
        Path file = SAMPLES.resolve(expected.file());
        SpreadsheetSafety.configure(10L * 1024 * 1024 * 1024); // the service's default, as set at startup
        try {
            Analysis analysis = new FileAnalyzer(10L * 1024 * 1024 * 1024, SheetChoice.FIRST)
                    .analyze(file, "", new CsvAnalyzer()::analyze);
            ReplacementCheckingWriter out = new ReplacementCheckingWriter();
            List<ColumnType> types = analysis.columns().stream().map(ColumnProfile::inferredType).toList();
            long written = analysis.rowStream().copyTo(out, types);
            boolean cleanHeaders = analysis.columns().stream()
                    .noneMatch(c -> c.label().indexOf('\uFFFD') >= 0 || c.label().indexOf('\uFEFF') >= 0);
            String status = written == analysis.rows() && out.replacementChars == 0 && cleanHeaders
                    ? "loaded" : "broken";
            String note = NOTES.getOrDefault(expected.file(), "");
            if (out.replacementChars > 0 || !cleanHeaders) {
                note = "U+FFFD or BOM in the data; " + note;
            }
            if (!analysis.warnings().isEmpty()) {
                note = (note.isEmpty() ? "" : note + "; ") + analysis.warnings().size() + " warning(s): "
                        + abbreviate(analysis.warnings().get(0));
            }
            return new Outcome(expected, status, written, analysis.columns().size(), analysis.encoding(),
                    analysis.format(), note);
        } catch (AnalysisException e) {
            return new Outcome(expected, "failed", 0, 0, "", "", e.getMessage());
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }

    /** The delimited files of the MANIFEST with their "non-blank" data-row and column counts. */
    static List<Expectation> readManifest(Path manifest) throws IOException {
        Pattern section = Pattern.compile("^### \\d+\\. `([^`]+)`");
        Pattern rows = Pattern.compile("\\((\\d[\\d,]*) non-blank\\); \\*\\*(\\d+) columns\\*\\*");
        Map<String, Expectation> byFile = new LinkedHashMap<>();
        String current = null;
        for (String line : Files.readAllLines(manifest, StandardCharsets.UTF_8)) {
            Matcher s = section.matcher(line);
            if (s.find()) {
                current = s.group(1);
                continue;
            }
            Matcher r = rows.matcher(line);
            if (current != null && isDelimited(current) && r.find()) {
                byFile.put(current, new Expectation(current, Long.parseLong(r.group(1).replace(",", "")),
                        Integer.parseInt(r.group(2))));
            }
        }
        return List.copyOf(byFile.values());
    }

    private static boolean isDelimited(String file) {
        String name = file.toLowerCase(Locale.ROOT);
        return Stream.of(".csv", ".tsv", ".psv", ".tab", ".txt").anyMatch(name::endsWith);
    }

    private static String markdown(List<Outcome> outcomes) {
        StringBuilder md = new StringBuilder();
        md.append("| File | Status | Rows loaded | MANIFEST rows | Columns | MANIFEST columns | Encoding | Format | Note |\n");
        md.append("| --- | --- | ---: | ---: | ---: | ---: | --- | --- | --- |\n");
        for (Outcome o : outcomes) {
            md.append("| `").append(o.expected().file()).append("` | ").append(o.status())
                    .append(" | ").append(o.rows()).append(" | ").append(o.expected().nonBlankRows())
                    .append(" | ").append(o.columns()).append(" | ").append(o.expected().columns())
                    .append(" | ").append(o.encoding()).append(" | ").append(o.format().replace("|", "\\|"))
                    .append(" | ").append(o.note().replace("|", "\\|").replace("\n", " ")).append(" |\n");
        }
        return md.toString();
    }

    /** Counts U+FFFD in the COPY text without keeping it: the big samples are megabytes. */
    private static final class ReplacementCheckingWriter extends Writer {
        long replacementChars;

        @Override
        public void write(char[] buf, int off, int len) {
            for (int i = off; i < off + len; i++) {
                if (buf[i] == '\uFFFD') {
                    replacementChars++;
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
