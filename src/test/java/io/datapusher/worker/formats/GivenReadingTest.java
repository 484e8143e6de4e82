package io.datapusher.worker.formats;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.AnalysisException;
import io.datapusher.worker.analyze.AnalysisOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@DisplayName("A delimiter or encoding a curator gives is used instead of what would be detected")
class GivenReadingTest {

    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    @TempDir
    Path dir;

    @Test
    void aGivenDelimiterWinsOverTheSniffer() throws Exception {
        Path file = write("name,first;born\nLovelace,Ada;1815\nHopper,Grace;1906\n", StandardCharsets.UTF_8);

        Analysis sniffed = new CsvAnalyzer().analyze(file, AnalysisOptions.DEFAULTS);
        Analysis given = new CsvAnalyzer().analyze(file, AnalysisOptions.DEFAULTS,
                new TextReading(Optional.empty(), "", Optional.of(';')));

        assertEquals(Optional.of(","), sniffed.reading().delimiter(), "the file reads just as well with commas");
        assertEquals(Optional.of(";"), given.reading().delimiter());
        assertEquals("name,first", given.columns().get(0).label());
        assertEquals(1, given.reading().headerLine());
    }

    @Test
    void aGivenEncodingDecodesTheFileAndSkipsItsOwnByteOrderMark() throws Exception {
        Path latin = write("name\nJosé\n", WINDOWS_1252);
        Analysis analysis = new CsvAnalyzer().analyze(latin, AnalysisOptions.DEFAULTS,
                new TextReading(Optional.of(StandardCharsets.ISO_8859_1), "datapusher_encoding", Optional.empty()));
        assertEquals("ISO-8859-1", analysis.encoding());

        Path marked = dir.resolve("bom.csv");
        Files.write(marked, ("\uFEFFname\nJosé\n").getBytes(StandardCharsets.UTF_8));
        Analysis utf8 = new CsvAnalyzer().analyze(marked, AnalysisOptions.DEFAULTS,
                new TextReading(Optional.of(StandardCharsets.UTF_8), "datapusher_encoding", Optional.empty()));
        assertEquals("name", utf8.columns().get(0).label(), "the byte order mark is not part of the header");
    }

    @Test
    void aGivenEncodingTheFileIsNotInFailsNamingTheSetting() throws Exception {
        Path latin = write("name\nJosé\n", WINDOWS_1252);
        AnalysisException e = assertThrows(AnalysisException.class, () -> new CsvAnalyzer().analyze(latin,
                AnalysisOptions.DEFAULTS, new TextReading(Optional.of(StandardCharsets.UTF_8),
                        "the resource field datapusher_encoding", Optional.empty())));
        assertEquals("the resource field datapusher_encoding is \"UTF-8\" but the file is not valid UTF-8"
                + " (leave it unset to detect the encoding)", e.getMessage());
    }

    @Test
    void aSheetTheWorkbookLacksIsBlamedOnTheSettingThatAskedForIt() {
        AnalysisException e = assertThrows(AnalysisException.class, () -> SheetChoice.of(Optional.of("9"),
                "the resource field datapusher_sheet").pick(java.util.List.of("Data", "Notes")));
        assertEquals("the resource field datapusher_sheet is \"9\" but the workbook's sheets are [Data, Notes]"
                + " (give a name or a 1-based position)", e.getMessage());
    }

    private Path write(String text, Charset charset) throws Exception {
        Path file = dir.resolve("data.csv");
        Files.write(file, text.getBytes(charset));
        return file;
    }
}
