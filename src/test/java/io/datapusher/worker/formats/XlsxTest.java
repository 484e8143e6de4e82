package io.datapusher.worker.formats;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.AnalysisException;
import io.datapusher.worker.analyze.ColumnType;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** XLSX read through the streaming reader: values, dates, formulas, merged and two-row headers. */
class XlsxTest {

    @TempDir
    Path temp;

    private Path workbook(java.util.function.Consumer<XSSFWorkbook> build) throws Exception {
        XSSFWorkbook workbook = new XSSFWorkbook();
        build.accept(workbook);
        workbook.getCreationHelper().createFormulaEvaluator().evaluateAll(); // cache formula results, as Excel does
        return Workbooks.write(workbook, temp.resolve("book.xlsx"));
    }

    private static CellStyle style(XSSFWorkbook workbook, String format) {
        CellStyle style = workbook.createCellStyle();
        style.setDataFormat(workbook.createDataFormat().getFormat(format));
        return style;
    }

    @Test
    void datesFromSerialsAndFormulasFromTheirCachedValues() throws Exception {
        Path file = workbook(book -> {
            Sheet sheet = book.createSheet("Data");
            Row header = sheet.createRow(0);
            header.createCell(0).setCellValue("day");
            header.createCell(1).setCellValue("at");
            header.createCell(2).setCellValue("count");
            header.createCell(3).setCellValue("double");
            header.createCell(4).setCellValue("price");
            for (int i = 1; i <= 2; i++) {
                Row row = sheet.createRow(i);
                row.createCell(0).setCellValue(LocalDate.of(2024, 1, 31).plusDays(i - 1));
                row.getCell(0).setCellStyle(style(book, "dd/mm/yyyy"));
                row.createCell(1).setCellValue(LocalDateTime.of(2024, 2, i, 13, 45, 30));
                row.getCell(1).setCellStyle(style(book, "yyyy-mm-dd hh:mm:ss"));
                row.createCell(2).setCellValue(i * 10);
                row.createCell(3).setCellFormula("C" + (i + 1) + "*2");
                row.createCell(4).setCellValue(i + 0.25);
            }
        });
        Analysis analysis = Workbooks.analyze(file, "XLSX");
        assertEquals(2, analysis.rows());
        assertTrue(Workbooks.column(analysis, "day").fits().contains(ColumnType.DATE));
        assertTrue(Workbooks.column(analysis, "at").fits().contains(ColumnType.TIMESTAMP));
        assertTrue(Workbooks.column(analysis, "count").fits().contains(ColumnType.INTEGER));
        assertTrue(Workbooks.column(analysis, "double").fits().contains(ColumnType.INTEGER));
        assertTrue(Workbooks.column(analysis, "price").fits().contains(ColumnType.NUMERIC));
        assertEquals("\"2024-01-31\",\"2024-02-01 13:45:30\",\"10\",\"20\",\"1.25\"\n"
                + "\"2024-02-01\",\"2024-02-02 13:45:30\",\"20\",\"40\",\"2.25\"\n", Workbooks.copyText(analysis));
    }

    @Test
    void mergedHeaderCellsGiveUniqueNamesAndKeepTheirText() throws Exception {
        Path file = workbook(book -> {
            Sheet sheet = book.createSheet("Merged");
            Row header = sheet.createRow(0);
            header.createCell(0).setCellValue("Region");
            header.createCell(3).setCellValue("Total");
            sheet.addMergedRegion(CellRangeAddress.valueOf("A1:C1"));
            Row row = sheet.createRow(1);
            for (int c = 0; c < 4; c++) {
                row.createCell(c).setCellValue("v" + c);
            }
        });
        Analysis analysis = Workbooks.analyze(file, "xlsx");
        assertEquals(List.of("Region", "Region", "Region", "Total"), Workbooks.labels(analysis));
        assertEquals(4, Workbooks.ids(analysis).stream().distinct().count(), Workbooks.ids(analysis).toString());
    }

    @Test
    void aTwoRowHeaderUnderAMergedGroupIsJoined() throws Exception {
        Path file = workbook(book -> {
            Sheet sheet = book.createSheet("Groups");
            Row top = sheet.createRow(0);
            top.createCell(0).setCellValue("Country");
            top.createCell(1).setCellValue("Population");
            sheet.addMergedRegion(CellRangeAddress.valueOf("A1:A2"));
            sheet.addMergedRegion(CellRangeAddress.valueOf("B1:C1"));
            Row bottom = sheet.createRow(1);
            bottom.createCell(1).setCellValue("2010");
            bottom.createCell(2).setCellValue("2011");
            Row row = sheet.createRow(2);
            row.createCell(0).setCellValue("Ruritania");
            row.createCell(1).setCellValue(100);
            row.createCell(2).setCellValue(110);
        });
        Analysis analysis = Workbooks.analyze(file, "xlsx");
        assertEquals(List.of("Country", "Population 2010", "Population 2011"), Workbooks.labels(analysis));
        assertEquals(1, analysis.rows());
        assertTrue(Workbooks.column(analysis, "Population 2011").fits().contains(ColumnType.INTEGER));
    }

    @Test
    void theSheetIsChosenByNameOrOneBasedPositionAndAWrongChoiceSaysWhichSheetsExist() throws Exception {
        Path file = workbook(book -> {
            book.createSheet("First").createRow(0).createCell(0).setCellValue("a");
            Sheet second = book.createSheet("Second");
            second.createRow(0).createCell(0).setCellValue("b");
            second.createRow(1).createCell(0).setCellValue("x");
        });
        assertEquals(List.of("a"), Workbooks.labels(Workbooks.analyze(file, "xlsx")));
        assertEquals(List.of("b"), Workbooks.labels(Workbooks.analyze(file, "xlsx", Optional.of("Second"))));
        assertEquals(List.of("b"), Workbooks.labels(Workbooks.analyze(file, "xlsx", Optional.of("second"))));
        assertEquals(List.of("b"), Workbooks.labels(Workbooks.analyze(file, "xlsx", Optional.of("2"))));
        AnalysisException e = assertThrows(AnalysisException.class, () -> Workbooks.analyze(file, "xlsx", Optional.of("3")));
        assertTrue(e.getMessage().contains("[First, Second]"), e.getMessage());
    }

    @Test
    void aRowWiderThanTheHeaderIsHandledAsForCsv() throws Exception {
        Path file = workbook(book -> {
            Sheet sheet = book.createSheet("Ragged");
            sheet.createRow(0).createCell(0).setCellValue("only");
            Row row = sheet.createRow(1);
            row.createCell(0).setCellValue("x");
            row.createCell(2).setCellValue("surplus");
        });
        // padded to the sheet's width: the surplus meets a column with a blank header, which keeps
        // its value and gets a name; the empty column between is left out, as for CSV
        Analysis analysis = Workbooks.analyze(file, "xlsx");
        assertEquals(List.of("only", ""), Workbooks.labels(analysis));
        assertEquals(1, analysis.rows());
        assertEquals("\"x\",\"surplus\"\n", Workbooks.copyText(analysis));
    }

    @Test
    void aHeaderOnlySheetIsAnEmptyTableWithItsColumns() throws Exception {
        Path file = workbook(book -> {
            Row header = book.createSheet("Empty").createRow(0);
            header.createCell(0).setCellValue("a");
            header.createCell(1).setCellValue("b");
        });
        Analysis analysis = Workbooks.analyze(file, "");
        assertEquals(List.of("a", "b"), Workbooks.labels(analysis));
        assertEquals(0, analysis.rows());
    }
}
