package io.datapusher.worker.formats;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.ColumnType;
import org.apache.poi.hssf.usermodel.HSSFWorkbook;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Legacy XLS through POI's HSSF, up to the format's own 65,536 rows. */
class XlsTest {

    @TempDir
    Path temp;

    @Test
    void anXlsSheetLoadsWithDatesNumbersAndFormulas() throws Exception {
        HSSFWorkbook book = new HSSFWorkbook();
        Sheet sheet = book.createSheet("Old");
        CellStyle date = book.createCellStyle();
        date.setDataFormat(book.createDataFormat().getFormat("m/d/yy"));
        Row header = sheet.createRow(0);
        header.createCell(0).setCellValue("when");
        header.createCell(1).setCellValue("n");
        header.createCell(2).setCellValue("twice");
        Row row = sheet.createRow(1);
        row.createCell(0).setCellValue(LocalDate.of(1999, 12, 31));
        row.getCell(0).setCellStyle(date);
        row.createCell(1).setCellValue(21);
        row.createCell(2).setCellFormula("B2*2");
        book.getCreationHelper().createFormulaEvaluator().evaluateAll();
        Path file = Workbooks.write(book, temp.resolve("old.xls"));

        // labelled CSV by CKAN's URL-based guess: the bytes say it is XLS
        Analysis analysis = Workbooks.analyze(file, "CSV");
        assertEquals(List.of("when", "n", "twice"), Workbooks.labels(analysis));
        assertTrue(analysis.format().startsWith("xls, sheet \"Old\""), analysis.format());
        assertTrue(Workbooks.column(analysis, "when").fits().contains(ColumnType.DATE));
        assertEquals("\"1999-12-31\",\"21\",\"42\"\n", Workbooks.copyText(analysis));
    }

    @Test
    void theLastRowAnXlsCanHoldIsRead() throws Exception {
        HSSFWorkbook book = new HSSFWorkbook();
        Sheet sheet = book.createSheet("Full");
        sheet.createRow(0).createCell(0).setCellValue("n");
        sheet.createRow(XlsRecordSource.MAX_ROWS - 1).createCell(0).setCellValue(65536);
        Path file = Workbooks.write(book, temp.resolve("full.xls"));
        Analysis analysis = Workbooks.analyze(file, "xls");
        assertEquals(1, analysis.rows());
        assertEquals("\"65536\"\n", Workbooks.copyText(analysis));
    }
}
