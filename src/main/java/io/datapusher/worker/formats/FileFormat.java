package io.datapusher.worker.formats;

/** The file formats the worker can load. */
public enum FileFormat {
    /** CSV, TSV and other delimited text: the CSV analyzer sniffs encoding and delimiter. */
    DELIMITED("delimited text"),
    XLSX("XLSX workbook"),
    XLS("legacy XLS workbook"),
    ZIP("ZIP archive");

    private final String description;

    FileFormat(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
