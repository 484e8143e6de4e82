package io.datapusher.worker.formats;

import io.datapusher.worker.analyze.RecordReader;
import io.datapusher.worker.analyze.RecordSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** A delimited text file read with a known dialect; re-openable because it is a file on disk. */
final class CsvRecordSource implements RecordSource {

    private final Path file;
    private final CsvDialect dialect;

    CsvRecordSource(Path file, CsvDialect dialect) {
        this.file = file;
        this.dialect = dialect;
    }

    @Override
    public RecordReader open() throws IOException {
        return CsvRecordReader.open(file, dialect);
    }

    @Override
    public String encoding() {
        return dialect.encoding().describe();
    }

    @Override
    public String format() {
        return dialect.describe();
    }

    @Override
    public Optional<String> delimiter() {
        return Optional.of(dialect.delimiter() == '\t' ? "tab" : String.valueOf(dialect.delimiter()));
    }
}
