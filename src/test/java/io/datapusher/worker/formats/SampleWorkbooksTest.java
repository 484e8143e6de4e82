package io.datapusher.worker.formats;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.ColumnProfile;
import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.analyze.RowStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The XLSX files of ../shared/samples, read in place (never copied), load with the MANIFEST's row
 * counts for their first sheet.
 */
class SampleWorkbooksTest {

    private static final Path SAMPLES = Path.of("../shared/samples");
    private final FileAnalyzer files = new FileAnalyzer(10L * 1024 * 1024 * 1024, SheetChoice.FIRST);

    @BeforeAll
    static void samplesArePresent() {
        assumeTrue(Files.isDirectory(SAMPLES), "../shared/samples is absent");
        SpreadsheetSafety.configure(10L * 1024 * 1024 * 1024); // the service's default, as set at startup
    }

    private Analysis analyze(String name, FileAnalyzer analyzer) throws Exception {
        return analyzer.analyze(SAMPLES.resolve(name), "XLSX", new CsvAnalyzer()::analyze);
    }

    private static List<String> labels(Analysis analysis) {
        return analysis.columns().stream().map(ColumnProfile::label).toList();
    }

    @Test
    void goRealtimeFirstSheetHas48Rows() throws Exception {
        Analysis analysis = analyze("xloader_go-realtime.xlsx", files);
        assertEquals(48, analysis.rows());
        assertTrue(analysis.format().contains("sheet \"Realtime\""), analysis.format());
        // F38 has a value under an empty header cell: the column is kept, with a made-up name
        assertEquals(6, analysis.columns().size());
        assertEquals("", analysis.columns().get(5).label());
    }

    @Test
    void ne1033DataHas1036RowsWithShipDatesAsDates() throws Exception {
        Analysis analysis = analyze("csvkit_ne_1033_data.xlsx", files);
        assertEquals(1036, analysis.rows());
        assertEquals(14, analysis.columns().size());
        ColumnProfile shipDate = analysis.columns().stream().filter(c -> c.label().equals("ship_date")).findFirst().orElseThrow();
        assertTrue(shipDate.fits().contains(ColumnType.DATE), shipDate.toString());
    }

    @Test
    void messytablesLargeReportSheetLoadsBelowItsTitleRowsFromCachedFormulaValues() throws Exception {
        // MANIFEST: 33 non-empty rows, "32 after the first", but the first two are a title and a
        // subtitle: the title-row rule skips them and takes the real header, leaving 30 data rows.
        // Its 198 formulas load as their cached values.
        Analysis analysis = analyze("messytables_large.xlsx", files);
        assertEquals(30, analysis.rows());
        assertTrue(analysis.warnings().get(0).startsWith("lines 1, 2 look like a title"), analysis.warnings().toString());
        assertTrue(analysis.format().contains("sheet \"Report\""), analysis.format());
    }

    @Test
    void aSheetIsPickedByNameOrPosition() throws Exception {
        FileAnalyzer second = new FileAnalyzer(10L * 1024 * 1024 * 1024, SheetChoice.of(Optional.of("2")));
        FileAnalyzer byName = new FileAnalyzer(10L * 1024 * 1024 * 1024, SheetChoice.of(Optional.of("data")));
        // Tabelle1: 39 rows of bare numbers, the first taken as the header (MANIFEST: 38 after it)
        assertEquals(38, analyze("xloader_go-realtime.xlsx", second).rows());
        // the "data" sheet: 8,546 non-empty rows, the first a title row (MANIFEST: "8,545 after the
        // first"); the title-row rule skips it and takes the header below, leaving 8,544 data rows
        assertEquals(8544, analyze("messytables_large.xlsx", byName).rows());
    }
}
