package io.datapusher.worker.formats;

import io.datapusher.worker.testsupport.LoaderTestBase;
import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.datastore.CkanVersion;
import io.datapusher.worker.datastore.LoadRequest;
import io.datapusher.worker.datastore.LoadResult;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Spreadsheets and header-only files all the way into a DataStore table in PostgreSQL. */
class SpreadsheetLoadTest extends LoaderTestBase {

    @TempDir
    Path temp;


    private LoadResult load(Analysis analysis) throws Exception {
        return loader.load(new LoadRequest(rid, "job-" + UUID.randomUUID(), "d41d8cd98f00b204e9800998ecf8427e",
                analysis, CkanVersion.of(2, 10)));
    }

    private List<String> columns() throws Exception {
        return db.query("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '\"" + rid
                + "\"'::regclass AND attnum > 2 AND NOT attisdropped ORDER BY attnum");
    }

    @Test
    void anXlsxSheetLoadsWithDateAndNumberColumns() throws Exception {
        XSSFWorkbook book = new XSSFWorkbook();
        CellStyle date = book.createCellStyle();
        date.setDataFormat(book.createDataFormat().getFormat("d mmm yyyy"));
        Row header = book.createSheet("Data").createRow(0);
        header.createCell(0).setCellValue("Day");
        header.createCell(1).setCellValue("Count");
        Row row = book.getSheet("Data").createRow(1);
        row.createCell(0).setCellValue(LocalDate.of(2024, 2, 29));
        row.getCell(0).setCellStyle(date);
        row.createCell(1).setCellValue(7);
        Path file = Workbooks.write(book, temp.resolve("book.xlsx"));

        LoadResult result = load(Workbooks.analyze(file, "XLSX"));
        assertEquals(1, result.rows());
        assertEquals(List.of("Day|date", "Count|integer"), columns());
        assertEquals("2024-02-29|7", db.queryOne("SELECT \"Day\" || '|' || \"Count\" FROM \"" + rid + "\""));
    }

    @Test
    void aHeaderOnlyFileLoadsAsAnEmptyTableWithTheRightColumns() throws Exception {
        Path file = Files.writeString(temp.resolve("empty.csv"), "id,name,when\n");
        LoadResult result = load(Workbooks.analyze(file, "CSV"));
        assertEquals(0, result.rows());
        assertEquals(List.of("id|text", "name|text", "when|text"), columns());
        assertEquals("0", db.queryOne("SELECT count(*) FROM \"" + rid + "\""));
    }
}
