package io.datapusher.worker.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Types in real files: thousands separators, decimal commas, date orders, zones, NULL sentinels, footers")
class TypeConventionsTest {

    @TempDir
    Path dir;

    private static List<ColumnType> types(Analysis analysis) {
        return analysis.columns().stream().map(ColumnProfile::inferredType).toList();
    }

    @Test
    void thousandsSeparatorsAreReadAndWrittenPlain() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "region,people,area\nNorth,\"1,234,567\",\"1,234.5\"\nSouth,890,12.25\n");
        assertEquals(List.of(ColumnType.TEXT, ColumnType.INTEGER, ColumnType.NUMERIC), types(analysis));
        assertEquals("\"North\",\"1234567\",\"1234.5\"\n\"South\",\"890\",\"12.25\"\n", Fixtures.copyText(analysis));
    }

    @Test
    void decimalCommaFilesAreReadAsSuch() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "Stadt;Einwohner;Fläche\nZürich;421.878;87,88\nBern;134.794;51,62\n");
        assertEquals(List.of(ColumnType.TEXT, ColumnType.INTEGER, ColumnType.NUMERIC), types(analysis));
        assertEquals("\"Zürich\",\"421878\",\"87.88\"\n\"Bern\",\"134794\",\"51.62\"\n", Fixtures.copyText(analysis));
    }

    @Test
    void aColumnThatDoesNotParseCleanlyStaysTextAndUnchanged() throws Exception {
        // 1,5 needs a decimal comma and 2.5 a decimal point: no one reading fits both.
        Analysis analysis = Fixtures.analyze(dir, "code,amount\nA,\"1,5\"\nB,2.5\nC,\"12,34\"\n");
        assertEquals(ColumnType.TEXT, Fixtures.column(analysis, "amount").inferredType());
        assertTrue(Fixtures.copyText(analysis).contains("\"1,5\""));
        Analysis versions = Fixtures.analyze(dir, "id,version\n1,1.2.3\n2,1.10\n");
        assertEquals(ColumnType.TEXT, Fixtures.column(versions, "version").inferredType());
    }

    @Test
    void leadingZeroCodesStayTextEvenWithSeparators() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "zip,n\n01234,\"0,123\"\n02134,\"0,5\"\n");
        assertEquals(ColumnType.TEXT, Fixtures.column(analysis, "zip").inferredType());
    }

    @Test
    void slashDatesFollowTheDataWhenADayExceedsTwelve() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "id,when\n1,03/04/2021\n2,25/12/2021\n");
        assertEquals(ColumnType.DATE, Fixtures.column(analysis, "when").inferredType());
        assertEquals("\"1\",\"2021-04-03\"\n\"2\",\"2021-12-25\"\n", Fixtures.copyText(analysis));
        Analysis us = Fixtures.analyze(dir, "id,when\n1,03/04/2021\n2,12/25/2021\n");
        assertEquals("\"1\",\"2021-03-04\"\n\"2\",\"2021-12-25\"\n", Fixtures.copyText(us));
    }

    @Test
    void ambiguousSlashDatesFollowTheConfiguredOrder() throws Exception {
        String csv = "id,when\n1,03/04/2021\n";
        assertEquals("\"1\",\"2021-03-04\"\n", Fixtures.copyText(Fixtures.analyze(dir, csv)), "mdy by default");
        assertEquals("\"1\",\"2021-04-03\"\n",
                Fixtures.copyText(Fixtures.analyze(dir, csv, AnalysisOptions.DEFAULTS.withDateOrder(DateOrder.DMY))));
    }

    @Test
    void anotherColumnsEvidenceDecidesAnAmbiguousColumn() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "start,end\n01/02/2021,28/02/2021\n");
        assertEquals("\"2021-02-01\",\"2021-02-28\"\n", Fixtures.copyText(analysis));
    }

    @Test
    void slashDatesBothWaysAreText() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "id,when\n1,25/12/2021\n2,12/25/2021\n");
        assertEquals(ColumnType.TEXT, Fixtures.column(analysis, "when").inferredType());
    }

    @Test
    void namedMonthsAndYearMonths() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "day,month\n5 March 2021,2021-03\n17 Sep 2020,2020-09\n");
        assertEquals(List.of(ColumnType.DATE, ColumnType.DATE), types(analysis));
        assertEquals("\"2021-03-05\",\"2021-03-01\"\n\"2020-09-17\",\"2020-09-01\"\n", Fixtures.copyText(analysis));
    }

    @Test
    void timestampsWithoutSecondsWithTAndAmPm() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "t\n2021-01-02T03:04\n1/15/2013 3:04:05 PM\n2021-01-03 10:00:00.5\n");
        assertEquals(ColumnType.TIMESTAMP, analysis.columns().get(0).inferredType());
        assertEquals("\"2021-01-02 03:04\"\n\"2013-01-15 15:04:05\"\n\"2021-01-03 10:00:00.5\"\n", Fixtures.copyText(analysis));
    }

    @Test
    void zonedTimestampsAreConvertedToUtc() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "t\n2021-01-01T10:00:00Z\n2021-01-01 01:30:00+02:00\n2020-12-31T23:00-0500\n");
        assertEquals(ColumnType.TIMESTAMP, analysis.columns().get(0).inferredType());
        assertEquals("\"2021-01-01 10:00:00\"\n\"2020-12-31 23:30:00\"\n\"2021-01-01 04:00\"\n", Fixtures.copyText(analysis));
    }

    @Test
    void onlyEmptyCellsAreNullUnlessSentinelsAreConfigured() throws Exception {
        String csv = "country,n\nNA,1\nDE,NULL\nFR,\n";
        Analysis plain = Fixtures.analyze(dir, csv);
        assertEquals(ColumnType.TEXT, Fixtures.column(plain, "n").inferredType());
        Analysis sentinels = Fixtures.analyze(dir, csv, AnalysisOptions.DEFAULTS.withNullValues(Set.of("NULL", " n/a ")));
        assertEquals(ColumnType.INTEGER, Fixtures.column(sentinels, "n").inferredType());
        assertEquals("\"NA\",\"1\"\n\"DE\",\n\"FR\",\n", Fixtures.copyText(sentinels));
    }

    @Test
    void aTextFooterDoesNotStopANumericColumnAndIsLoadedInTheFirstTextColumn() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "amount,region\n10,North\n20,South\nSource: ONS,\n");
        assertEquals(List.of(ColumnType.INTEGER, ColumnType.TEXT), types(analysis));
        assertEquals(3, analysis.rows(), "the footer is a row");
        assertEquals("\"10\",\"North\"\n\"20\",\"South\"\n,\"Source: ONS\"\n", Fixtures.copyText(analysis));
        assertTrue(analysis.warnings().stream().anyMatch(w -> w.startsWith("line 4 looks like a footer note")),
                analysis.warnings().toString());
    }

    @Test
    void anAllNumericTableGetsAFootnoteColumnForItsFooters() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "year,co2\n2000,369.7\n2001,371.3\nSource: NOAA,\nNote: monthly means,\n");
        assertEquals(List.of("year", "co2", "footnote"), Fixtures.ids(analysis));
        assertEquals(List.of(ColumnType.INTEGER, ColumnType.NUMERIC, ColumnType.TEXT), types(analysis));
        assertEquals("\"2000\",\"369.7\",\n\"2001\",\"371.3\",\n,,\"Source: NOAA\"\n,,\"Note: monthly means\"\n",
                Fixtures.copyText(analysis));
    }

    @Test
    void aFooterInATextColumnStaysWhereItIs() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "region,amount\nNorth,1\nSouth,2\nSource: somewhere,\n");
        assertEquals(List.of(ColumnType.TEXT, ColumnType.INTEGER), types(analysis));
        assertTrue(Fixtures.copyText(analysis).endsWith("\"Source: somewhere\",\n"));
    }

    @Test
    void aLoneTextCellInTheMiddleIsAValueNotAFooter() throws Exception {
        StringBuilder csv = new StringBuilder("n,label\n1,a\nunknown,\n");
        for (int i = 2; i < 10; i++) {
            csv.append(i).append(",x\n");
        }
        Analysis analysis = Fixtures.analyze(dir, csv.toString());
        assertEquals(ColumnType.TEXT, Fixtures.column(analysis, "n").inferredType());
    }
}
