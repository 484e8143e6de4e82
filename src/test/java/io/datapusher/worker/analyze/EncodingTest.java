package io.datapusher.worker.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Encoding: UTF-8 with or without a BOM; anything else fails with a clear message")
class EncodingTest {

    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    @TempDir
    Path dir;

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof String s) {
                out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            } else if (part instanceof byte[] b) {
                out.writeBytes(b);
            } else {
                out.write((Integer) part);
            }
        }
        return out.toByteArray();
    }

    private AnalysisException failure(byte[] content) {
        return assertThrows(AnalysisException.class,
                () -> new CsvAnalyzer().analyze(Fixtures.writeBytes(dir, content)));
    }

    @Test
    void theBomNeverEndsUpInAHeader() throws Exception {
        Analysis analysis = new CsvAnalyzer().analyze(Fixtures.writeBytes(dir, bytes(UTF8_BOM, "id,name\n1,Zoë\n")));
        assertEquals(List.of("id", "name"), Fixtures.ids(analysis));
        assertEquals(List.of("id", "name"), Fixtures.labels(analysis));
        assertEquals("UTF-8", analysis.encoding());
        assertEquals("\"1\",\"Zoë\"\n", Fixtures.copyText(analysis));
    }

    @Test
    void utf8WithoutBomIsRead() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "Straße,名前\nä,漢字\n");
        assertEquals(List.of("Straße", "名前"), Fixtures.ids(analysis));
        assertEquals("UTF-8", analysis.encoding());
    }

    @Test
    void aNonUtf8ByteIsReportedWithItsOffsetAndLine() {
        AnalysisException e = failure(bytes("a,b\n1,caf", 0xE9, "\n"));
        assertEquals("the file is not valid UTF-8 (byte 0xE9 at offset 9, line 2); "
                + "other encodings are not supported yet", e.getMessage());
    }

    @Test
    void aBadByteFarBeyondTheSniffedSampleStillFails() {
        String goodLines = "1,some ascii text\n".repeat(10_000);
        AnalysisException e = failure(bytes("a,b\n", goodLines, 0xDA, "\n"));
        assertTrue(e.getMessage().startsWith("the file is not valid UTF-8 (byte 0xDA at offset "
                + (4 + goodLines.length()) + ", line 10002)"), e.getMessage());
    }

    @Test
    void offsetsCountTheBom() {
        AnalysisException e = failure(bytes(UTF8_BOM, "a\n", 0xFF));
        assertTrue(e.getMessage().contains("byte 0xFF at offset 5, line 2"), e.getMessage());
    }

    @Test
    void aMultiByteSequenceCutOffAtTheEndFails() {
        AnalysisException e = failure(bytes("a\nx", 0xC3));
        assertTrue(e.getMessage().contains("not valid UTF-8 (byte 0xC3 at offset 3"), e.getMessage());
    }

    @Test
    void utf16IsNotSupportedYet() {
        byte[] le = bytes(0xFF, 0xFE, "a\0,\0b\0");
        byte[] be = bytes(0xFE, 0xFF, "\0a\0,\0b");
        assertTrue(failure(le).getMessage().contains("UTF-16 is not supported yet"));
        assertTrue(failure(be).getMessage().contains("UTF-16 is not supported yet"));
    }

    @Test
    void anEmptyFileIsReportedAsEmpty() {
        assertEquals("the file is empty", failure(new byte[0]).getMessage());
        assertEquals("the file is empty", failure(bytes(" \n\r\n\t  ")).getMessage());
        assertEquals("the file is empty", failure(UTF8_BOM).getMessage());
        assertEquals("the file is empty", failure(bytes(UTF8_BOM, "\n")).getMessage());
    }

    @Test
    void aNulCharacterFailsTheAnalysisNamingTheLine() {
        AnalysisException e = failure(bytes("a,b\n1,2\n3,x\0y\n"));
        assertTrue(e.getMessage().startsWith("line 3 contains a NUL character"), e.getMessage());
    }
}
