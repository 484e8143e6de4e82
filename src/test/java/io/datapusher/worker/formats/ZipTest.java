package io.datapusher.worker.formats;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.AnalysisException;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ZIP archives: one data file is opened; anything else, and every bomb, is refused clearly. */
class ZipTest {

    @TempDir
    Path temp;

    private interface Entries {
        void write(ZipOutputStream zip) throws IOException;
    }

    private Path zip(String name, Entries entries) throws IOException {
        Path file = temp.resolve(name);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            entries.write(zip);
        }
        return file;
    }

    private static void entry(ZipOutputStream zip, String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
    }

    private static void zeros(ZipOutputStream zip, String name, long count) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        byte[] block = new byte[64 * 1024];
        for (long written = 0; written < count; written += block.length) {
            zip.write(block);
        }
        zip.closeEntry();
    }

    private String refusal(Path file) {
        return assertThrows(AnalysisException.class, () -> Workbooks.analyze(file, "ZIP")).getMessage();
    }

    @Test
    void anArchiveWithOneCsvIsOpened() throws Exception {
        Path file = zip("one.zip", zip -> {
            entry(zip, "__MACOSX/._data.csv", new byte[] {0, 1});
            entry(zip, "data.csv", "a,b\n1,2\n3,4\n".getBytes(StandardCharsets.UTF_8));
        });
        Analysis analysis = Workbooks.analyze(file, "zip");
        assertEquals(List.of("a", "b"), Workbooks.labels(analysis));
        assertEquals(2, analysis.rows());
        assertTrue(analysis.format().startsWith("zip entry \"data.csv\""), analysis.format());
    }

    @Test
    void anArchiveWithOneWorkbookIsOpened() throws Exception {
        XSSFWorkbook book = new XSSFWorkbook();
        book.createSheet("S").createRow(0).createCell(0).setCellValue("only");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        book.write(bytes);
        book.close();
        Path file = zip("book.zip", zip -> entry(zip, "folder/book.xlsx", bytes.toByteArray()));
        Analysis analysis = Workbooks.analyze(file, "");
        assertEquals(List.of("only"), Workbooks.labels(analysis));
    }

    @Test
    void anArchiveWithSeveralFilesIsRefusedAndSaysWhatItHolds() throws Exception {
        Path file = zip("two.zip", zip -> {
            entry(zip, "a.csv", "a\n1\n".getBytes(StandardCharsets.UTF_8));
            entry(zip, "b.csv", "b\n2\n".getBytes(StandardCharsets.UTF_8));
        });
        String message = refusal(file);
        assertTrue(message.contains("holds 2 files (a.csv, b.csv)"), message);
    }

    @Test
    void anEmptyArchiveAndAnArchiveInAnArchiveAreRefused() throws Exception {
        assertTrue(refusal(zip("empty.zip", zip -> zip.putNextEntry(new ZipEntry("dir/")))).contains("holds no file"));
        Path inner = zip("inner.zip", zip -> entry(zip, "a.csv", "a\n1\n".getBytes(StandardCharsets.UTF_8)));
        Path outer = zip("outer.zip", zip -> entry(zip, "inner.zip", Files.readAllBytes(inner)));
        assertTrue(refusal(outer).contains("holds another archive"));
    }

    @Test
    void anArchiveHoldingSomethingElseGetsThatFilesError() throws Exception {
        Path file = zip("page.zip", zip -> entry(zip, "index.csv",
                "<!DOCTYPE html><html><body>Sign in</body></html>".getBytes(StandardCharsets.UTF_8)));
        assertTrue(refusal(file).contains("HTML page"));
    }

    @Test
    void anEntryInflatingBeyondTheCapIsStoppedAtTheCap() throws Exception {
        Path file = zip("big.zip", zip -> zeros(zip, "big.csv", Workbooks.CAP + 1024 * 1024));
        String message = refusal(file);
        assertTrue(message.contains("more than INGEST_DOWNLOAD_MAX_BYTES") || message.contains("zip bomb"), message);
        assertNoExtractedFileLeft();
    }

    @Test
    void anEntryWithABombsCompressionRatioIsRefusedBeforeTheCap() throws Exception {
        Path file = zip("bomb.zip", zip -> zeros(zip, "bomb.csv", 5L * 1024 * 1024));
        String message = refusal(file);
        assertTrue(message.contains("possible zip bomb"), message);
        assertNoExtractedFileLeft();
    }

    @Test
    void anXlsxWhoseSheetIsABombIsRefusedByRatio() throws Exception {
        // a real workbook whose sheet XML is padded with 20 MB of spaces: ratio ~1:1000
        XSSFWorkbook book = new XSSFWorkbook();
        book.createSheet("S").createRow(0).createCell(0).setCellValue("a");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        book.write(bytes);
        book.close();
        Path file = temp.resolve("bomb.xlsx");
        try (var source = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()));
             ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (ZipEntry e = source.getNextEntry(); e != null; e = source.getNextEntry()) {
                byte[] content = source.readAllBytes();
                zip.putNextEntry(new ZipEntry(e.getName()));
                if (e.getName().equals("xl/worksheets/sheet1.xml")) {
                    String xml = new String(content, StandardCharsets.UTF_8);
                    int end = xml.lastIndexOf("</worksheet>");
                    zip.write(xml.substring(0, end).getBytes(StandardCharsets.UTF_8));
                    byte[] spaces = new byte[64 * 1024];
                    java.util.Arrays.fill(spaces, (byte) ' ');
                    for (int i = 0; i < 320; i++) {
                        zip.write(spaces);
                    }
                    zip.write(xml.substring(end).getBytes(StandardCharsets.UTF_8));
                } else {
                    zip.write(content);
                }
                zip.closeEntry();
            }
        }
        String message = assertThrows(AnalysisException.class, () -> Workbooks.analyze(file, "xlsx")).getMessage();
        assertTrue(message.contains("zip bomb"), message);
    }

    private void assertNoExtractedFileLeft() throws IOException {
        try (var files = Files.list(temp)) {
            assertEquals(0, files.filter(f -> f.toString().endsWith(".entry")).count());
        }
    }
}
