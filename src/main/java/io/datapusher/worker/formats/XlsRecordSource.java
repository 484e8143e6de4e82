package io.datapusher.worker.formats;

import io.datapusher.worker.analyze.AnalysisException;
import io.datapusher.worker.analyze.RecordReader;
import io.datapusher.worker.analyze.RecordSource;
import io.datapusher.worker.analyze.SourceRecord;
import org.apache.poi.hssf.usermodel.HSSFWorkbook;
import org.apache.poi.poifs.filesystem.POIFSFileSystem;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.ss.usermodel.FormulaError;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One sheet of a legacy XLS (BIFF8) workbook, read with POI's HSSF. The format itself caps a sheet
 * at 65,536 rows and 256 columns, so the workbook model is bounded; the file size is capped too,
 * because HSSF holds the parsed workbook in memory.
 */
final class XlsRecordSource implements RecordSource {

    /** XLS files beyond this are refused: HSSF's model needs several times the file size in heap. */
    static final long MAX_FILE_BYTES = 128L * 1024 * 1024;
    static final int MAX_ROWS = 65_536;

    private final Path file;
    private final int sheetIndex;
    private final String description;
    private final String sheetName;

    private XlsRecordSource(Path file, int sheetIndex, String description, String sheetName) {
        this.file = file;
        this.sheetIndex = sheetIndex;
        this.description = description;
        this.sheetName = sheetName;
    }

    static XlsRecordSource open(Path file, SheetChoice choice) throws AnalysisException {
        try (HSSFWorkbook workbook = load(file)) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < workbook.getNumberOfSheets(); i++) {
                names.add(workbook.getSheetName(i));
            }
            int index = choice.pick(names);
            return new XlsRecordSource(file, index, choice.describe(names, index), names.get(index));
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    @Override
    public RecordReader open() throws AnalysisException {
        HSSFWorkbook workbook = load(file);
        Sheet sheet = workbook.getSheetAt(sheetIndex);
        MergedCells merged = new MergedCells(sheet.getMergedRegions());
        boolean date1904 = workbook.getInternalWorkbook().isUsing1904DateWindowing();
        int width = 0;
        for (Row row : sheet) {
            width = Math.max(width, row.getLastCellNum());   // padded to the sheet's width, as for XLSX
        }
        return new HeaderBand(new Rows(workbook, sheet.rowIterator(), merged, date1904, width), merged);
    }

    @Override
    public String encoding() {
        return "UTF-16 (XLS)";
    }

    @Override
    public String format() {
        return "xls, " + description;
    }

    @Override
    public java.util.Optional<String> sheet() {
        return java.util.Optional.ofNullable(sheetName);
    }

    private static HSSFWorkbook load(Path file) throws AnalysisException {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new AnalysisException("the XLS file is " + Files.size(file) + " bytes; legacy XLS is read "
                        + "only up to " + MAX_FILE_BYTES + " bytes (save it as XLSX or CSV)");
            }
            return new HSSFWorkbook(new POIFSFileSystem(file.toFile(), true));
        } catch (IOException | RuntimeException e) {
            throw unreadable(e);
        }
    }

    private static AnalysisException unreadable(Exception e) {
        return new AnalysisException("the XLS file could not be read: "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    }

    private static final class Rows implements RecordReader {
        private final HSSFWorkbook workbook;
        private final Iterator<Row> rows;
        private final MergedCells merged;
        private final boolean date1904;
        private final int width;

        Rows(HSSFWorkbook workbook, Iterator<Row> rows, MergedCells merged, boolean date1904, int width) {
            this.width = width;
            this.workbook = workbook;
            this.rows = rows;
            this.merged = merged;
            this.date1904 = date1904;
        }

        @Override
        public SourceRecord next() {
            if (!rows.hasNext()) {
                return null;
            }
            Row row = rows.next();
            List<String> cells = new ArrayList<>();
            for (Cell cell : row) {
                while (cells.size() < cell.getColumnIndex()) {
                    cells.add("");
                }
                cells.add(text(cell));
            }
            while (cells.size() < width) {
                cells.add("");
            }
            return new SourceRecord(merged.fill(row.getRowNum(), cells), row.getRowNum() + 1L);
        }

        private String text(Cell cell) {
            CellType type = cell.getCellType() == CellType.FORMULA ? cell.getCachedFormulaResultType() : cell.getCellType();
            return switch (type) {
                case STRING -> cell.getRichStringCellValue().getString();
                case NUMERIC -> DateUtil.isCellDateFormatted(cell)
                        ? CellText.date(cell.getNumericCellValue(), date1904)
                        : CellText.number(cell.getNumericCellValue());
                case BOOLEAN -> cell.getBooleanCellValue() ? "TRUE" : "FALSE";
                case ERROR -> FormulaError.forInt(cell.getErrorCellValue()).getString();
                default -> "";
            };
        }

        @Override
        public void close() throws IOException {
            workbook.close();
        }
    }
}
