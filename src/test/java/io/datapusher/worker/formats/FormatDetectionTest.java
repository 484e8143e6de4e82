package io.datapusher.worker.formats;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.AnalysisException;
import org.apache.poi.hssf.usermodel.HSSFWorkbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/hostile-input.md: the format comes from the resource's field, else the bytes; never the URL. */
class FormatDetectionTest {

    @TempDir
    Path temp;

    private Path file(String name, byte[] content) throws Exception {
        return Files.write(temp.resolve(name), content);
    }

    private Path text(String content) throws Exception {
        return file("data.csv", content.getBytes(StandardCharsets.UTF_8));
    }

    private String refusal(Path file, String declared) {
        return assertThrows(AnalysisException.class, () -> FormatDetector.detect(file, declared)).getMessage();
    }

    @Test
    void anHtmlPageServedAsCsvGetsItsOwnError() throws Exception {
        assertTrue(refusal(text("\n  <!DOCTYPE html>\n<html><head><title>Login</title>"), "CSV").contains("HTML page"));
        assertTrue(refusal(text("\uFEFF<html lang=\"en\">"), "").contains("HTML page"));
        assertTrue(refusal(text("<?xml version=\"1.0\"?>\n<!-- x --><html>"), "csv").contains("HTML page"));
    }

    @Test
    void aCsvMentioningHtmlFurtherOnIsStillACsv() throws Exception {
        assertEquals(FileFormat.DELIMITED, FormatDetector.detect(text("snippet\n\"<html>\"\n"), "CSV"));
    }

    @Test
    void binaryFilesGetTheirOwnError() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13};
        assertTrue(refusal(file("image.csv", png), "CSV").contains("a PNG image"));
        assertTrue(refusal(file("doc.csv", "%PDF-1.7\n%âãÏÓ".getBytes(StandardCharsets.ISO_8859_1)), "").contains("a PDF"));
        assertTrue(refusal(file("nul.csv", new byte[] {'a', ',', 0, 'b'}), "csv").contains("NUL bytes"));
    }

    @Test
    void anEmptyFileGetsItsOwnError() throws Exception {
        assertTrue(refusal(file("empty.csv", new byte[0]), "CSV").contains("empty (0 bytes)"));
    }

    @Test
    void utf16TextWithABomIsText() throws Exception {
        byte[] utf16 = "\uFEFFa,b\n1,2\n".getBytes(StandardCharsets.UTF_16LE);
        assertEquals(FileFormat.DELIMITED, FormatDetector.detect(file("u16.csv", utf16), "CSV"));
    }

    @Test
    void withoutAFormatFieldTheBytesDecide() throws Exception {
        Path xlsx = Workbooks.write(new XSSFWorkbook(), temp.resolve("no-extension"));
        Path xls = Workbooks.write(new HSSFWorkbook(), temp.resolve("also-none"));
        assertEquals(FileFormat.XLSX, FormatDetector.detect(xlsx, ""));
        assertEquals(FileFormat.XLS, FormatDetector.detect(xls, null));
        assertEquals(FileFormat.DELIMITED, FormatDetector.detect(text("a;b\n1;2\n"), "  "));
    }

    @Test
    void aWorkbookLabelledWithTheOtherSpreadsheetFormatIsReadByItsBytes() throws Exception {
        Path xlsx = Workbooks.write(new XSSFWorkbook(), temp.resolve("book.xls"));
        assertEquals(FileFormat.XLSX, FormatDetector.detect(xlsx, "XLS"));
        assertEquals(FileFormat.XLSX, FormatDetector.detect(xlsx, ".xlsx"));
    }

    @Test
    void aTruncatedWorkbookSaysSo() throws Exception {
        String message = refusal(file("cut.xlsx", new byte[] {'P', 'K', 3, 4}), "XLSX");
        assertTrue(message.contains("format is XLSX but the file is not a valid XLSX workbook")
                && message.contains("broken or truncated"), message);
    }

    @Test
    void textLabelledAsASpreadsheetIsRefused() throws Exception {
        assertTrue(refusal(text("a,b\n1,2\n"), "XLSX").contains("is not a XLSX workbook"));
    }

    @Test
    void anUnsupportedFormatFieldIsRefusedAndSaysWhatIsSupported() throws Exception {
        String message = refusal(text("{\"a\": 1}"), "JSON");
        assertTrue(message.contains("format is JSON") && message.contains("XLSX, XLS and ZIP"), message);
    }

    @Test
    void aHeaderOnlyCsvIsAnEmptyTableWithItsColumns() throws Exception {
        Analysis analysis = Workbooks.analyze(text("id,name,when\n"), "CSV");
        assertEquals(List.of("id", "name", "when"), Workbooks.labels(analysis));
        assertEquals(0, analysis.rows());
    }
}
