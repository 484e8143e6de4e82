package io.datapusher.worker.formats;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.AnalysisException;
import io.datapusher.worker.analyze.Fixtures;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("Encoding: UTF-8 ± BOM, UTF-16 with a BOM, Windows-1252, Latin-1 and CJK code pages; never a U+FFFD")
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
    void aSingleWindows1252ByteDeepInAnAsciiFileIsFound() throws Exception {
        String goodLines = "1,some ascii text\n".repeat(10_000);
        Analysis analysis = new CsvAnalyzer().analyze(Fixtures.writeBytes(dir, bytes("a,b\n", goodLines, "2,caf", 0xE9, "\n")));
        // One line of evidence cannot tell Windows-1252 from its Latin cousins, which all read é the same.
        assertTrue(List.of("windows-1252", "ISO-8859-1", "ISO-8859-2", "windows-1250").contains(analysis.encoding()),
                analysis.encoding());
        assertTrue(Fixtures.copyText(analysis).endsWith("\"2\",\"café\"\n"));
    }

    @Test
    void lettersOnlyWindows1252HasAreWindows1252() throws Exception {
        Analysis analysis = new CsvAnalyzer().analyze(Fixtures.writeBytes(dir,
                bytes("title,price\n", 0x93, "The ", 0x8C, "uvre of the master", 0x94, " ", 0x96, " a retrospective,", 0x80, "12\n",
                        "Caf", 0xE9, " society and the ", 0x93, "belle ", 0xE9, "poque", 0x94, ",", 0x80, "9\n")));
        assertEquals("windows-1252", analysis.encoding());
        assertEquals("\"“The Œuvre of the master” – a retrospective\",\"€12\"\n"
                + "\"Café society and the “belle époque”\",\"€9\"\n", Fixtures.copyText(analysis));
    }

    @Test
    void aByteWindows1252LeavesUndefinedMakesItLatin1() throws Exception {
        Analysis analysis = new CsvAnalyzer().analyze(Fixtures.writeBytes(dir,
                bytes("name,note\nJos", 0xE9, ",x", 0x9D, "y\n")));
        assertEquals("ISO-8859-1", analysis.encoding());
        assertEquals("\"José\",\"x\u009Dy\"\n", Fixtures.copyText(analysis));
    }

    @Test
    void utf16LittleAndBigEndianWithAByteOrderMark() throws Exception {
        String csv = "id,名前\r\n1,Zoë\r\n";
        for (Charset charset : List.of(StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE)) {
            byte[] bom = charset == StandardCharsets.UTF_16LE ? new byte[] {(byte) 0xFF, (byte) 0xFE}
                    : new byte[] {(byte) 0xFE, (byte) 0xFF};
            Analysis analysis = new CsvAnalyzer().analyze(Fixtures.writeBytes(dir, bytes(bom, csv.getBytes(charset))));
            assertEquals(charset.name(), analysis.encoding());
            assertEquals(List.of("id", "名前"), Fixtures.labels(analysis), "no BOM in the first header");
            assertEquals("\"1\",\"Zoë\"\n", Fixtures.copyText(analysis));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Big5", "GB18030", "Shift_JIS", "EUC-KR"})
    void cjkCodePagesAreDetected(String name) throws Exception {
        String text = switch (name) {
            case "Big5" -> "縣市,鄉鎮市區,人口數\n臺北市,中正區,一百五十萬人口的首都\n新北市,板橋區,新北市政府所在地\n"
                    + "臺中市,西屯區,國家歌劇院與科學博物館\n高雄市,鼓山區,美術館與西子灣風景區\n";
            case "GB18030" -> "省份,城市,说明\n广东省,广州市,华南地区的经济中心\n浙江省,杭州市,西湖风景名胜区\n"
                    + "四川省,成都市,大熊猫繁育研究基地\n湖北省,武汉市,长江与汉江交汇处\n";
            case "Shift_JIS" -> "都道府県,市区町村,説明\n東京都,千代田区,日本の首都である東京の中心部です\n"
                    + "大阪府,大阪市,関西地方の経済の中心地として知られています\n京都府,京都市,多くの寺院や神社があります\n";
            default -> "도,시,설명\n서울특별시,종로구,대한민국의 수도이며 경복궁이 있습니다\n"
                    + "부산광역시,해운대구,해수욕장으로 유명한 항구 도시입니다\n경기도,수원시,화성이 있는 도시입니다\n";
        };
        Charset charset = Charset.forName(name);
        Analysis analysis = new CsvAnalyzer().analyze(Fixtures.writeBytes(dir, text.getBytes(charset)));
        assertEquals(charset, Charset.forName(analysis.encoding()));
        assertEquals(List.of(text.substring(0, text.indexOf('\n')).split(",")), Fixtures.labels(analysis));
        assertFalse(Fixtures.copyText(analysis).contains("\uFFFD"));
    }

    @Test
    void aUtf8ByteOrderMarkOnAFileThatIsNotUtf8Fails() {
        AnalysisException e = failure(bytes(UTF8_BOM, "a\n", 0xFF));
        assertEquals("the file starts with a UTF-8 byte order mark but is not UTF-8 (byte at offset 5)", e.getMessage());
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
