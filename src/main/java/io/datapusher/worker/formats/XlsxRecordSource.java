package io.datapusher.worker.formats;

import io.datapusher.worker.analyze.AnalysisException;
import io.datapusher.worker.analyze.RecordReader;
import io.datapusher.worker.analyze.RecordSource;
import io.datapusher.worker.analyze.SourceRecord;
import org.apache.poi.openxml4j.exceptions.InvalidFormatException;
import org.apache.poi.openxml4j.exceptions.OpenXML4JException;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.openxml4j.opc.PackageAccess;
import org.apache.poi.openxml4j.opc.PackagePart;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.ss.util.CellReference;
import org.apache.poi.util.XMLHelper;
import org.apache.poi.xssf.eventusermodel.ReadOnlySharedStringsTable;
import org.apache.poi.xssf.eventusermodel.XSSFReader;
import org.apache.poi.xssf.model.StylesTable;
import org.apache.poi.xssf.usermodel.XSSFCellStyle;
import org.xml.sax.SAXException;

import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One sheet of an XLSX workbook, streamed: the sheet's XML is pulled element by element (StAX), so
 * only the current row is in memory whatever the sheet's size. Shared strings and styles are the
 * only parts loaded whole, as every streaming reader must; their size is capped. Formulas give
 * their cached values; date-formatted numbers become ISO dates ({@link CellText}).
 *
 * <p>POI's {@code ZipSecureFile} limits (ratio and entry size, set by {@link SpreadsheetSafety})
 * guard every part read here against zip bombs.
 */
final class XlsxRecordSource implements RecordSource {

    private static final String MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    private final Path file;
    private final int sheetIndex;
    private final String description;
    private final String sheetName;
    private final boolean date1904;
    private final SheetShape shape;

    private XlsxRecordSource(Path file, int sheetIndex, String description, String sheetName, boolean date1904,
                             SheetShape shape) {
        this.file = file;
        this.sheetIndex = sheetIndex;
        this.description = description;
        this.sheetName = sheetName;
        this.date1904 = date1904;
        this.shape = shape;
    }

    /**
     * What a first pass over the sheet learns: its merged ranges, which come after the rows in the
     * XML, and its width, the last column any row uses. Every row is padded to that width, as a CSV
     * export would, so a value under a blank header cell (an empty header cell is simply absent in
     * XLSX) still meets a column instead of looking like a ragged row.
     */
    record SheetShape(List<CellRangeAddress> merges, int width) {
    }

    /** Reads the workbook's sheet list, picks the sheet and notes its merged ranges. */
    static XlsxRecordSource open(Path file, SheetChoice choice) throws AnalysisException {
        try (OPCPackage pkg = openPackage(file)) {
            XSSFReader reader = new XSSFReader(pkg);
            List<String> names = new ArrayList<>();
            XSSFReader.SheetIterator sheets = (XSSFReader.SheetIterator) reader.getSheetsData();
            while (sheets.hasNext()) {
                sheets.next().close();
                names.add(sheets.getSheetName());
            }
            int index = choice.pick(names);
            boolean date1904 = isDate1904(reader);
            SheetShape shape;
            try (InputStream sheet = sheetStream(reader, index)) {
                shape = shape(sheet);
            }
            return new XlsxRecordSource(file, index, choice.describe(names, index), names.get(index), date1904, shape);
        } catch (IOException | OpenXML4JException | XMLStreamException e) {
            throw unreadable(e);
        }
    }

    @Override
    public RecordReader open() throws IOException, AnalysisException {
        OPCPackage pkg = openPackage(file);
        try {
            XSSFReader reader = new XSSFReader(pkg);
            SpreadsheetSafety.checkPartSize(sharedStringsPart(pkg), "shared strings");
            SpreadsheetSafety.checkPartSize(stylesPart(pkg), "styles");
            ReadOnlySharedStringsTable strings = new ReadOnlySharedStringsTable(pkg, false);
            StylesTable styles = reader.getStylesTable();
            MergedCells merged = new MergedCells(shape.merges());
            SheetReader rows = new SheetReader(pkg, sheetStream(reader, sheetIndex), strings, styles, date1904, merged,
                    shape.width());
            return new HeaderBand(rows, merged);
        } catch (OpenXML4JException | SAXException | XMLStreamException | RuntimeException e) {
            pkg.revert();
            throw unreadable(e);
        }
    }

    @Override
    public String encoding() {
        return "UTF-8";
    }

    @Override
    public String format() {
        return "xlsx, " + description;
    }

    @Override
    public java.util.Optional<String> sheet() {
        return java.util.Optional.ofNullable(sheetName);
    }

    private static OPCPackage openPackage(Path file) throws AnalysisException {
        try {
            return OPCPackage.open(file.toFile(), PackageAccess.READ);
        } catch (InvalidFormatException | RuntimeException e) {
            throw unreadable(e);
        }
    }

    private static PackagePart sharedStringsPart(OPCPackage pkg) throws InvalidFormatException {
        List<PackagePart> parts = pkg.getPartsByContentType(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml");
        return parts.isEmpty() ? null : parts.get(0);
    }

    private static PackagePart stylesPart(OPCPackage pkg) throws InvalidFormatException {
        List<PackagePart> parts = pkg.getPartsByContentType(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml");
        return parts.isEmpty() ? null : parts.get(0);
    }

    private static InputStream sheetStream(XSSFReader reader, int index) throws IOException, OpenXML4JException {
        XSSFReader.SheetIterator sheets = (XSSFReader.SheetIterator) reader.getSheetsData();
        for (int i = 0; sheets.hasNext(); i++) {
            InputStream sheet = sheets.next();
            if (i == index) {
                return sheet;
            }
            sheet.close();
        }
        throw new IOException("sheet " + (index + 1) + " has disappeared from the workbook");
    }

    /** 1904-based serials: old Mac workbooks count days from 1904, the rest from 1900. */
    private static boolean isDate1904(XSSFReader reader) throws IOException, OpenXML4JException, XMLStreamException {
        try (InputStream workbook = reader.getWorkbookData()) {
            XMLStreamReader xml = XMLHelper.newXMLInputFactory().createXMLStreamReader(workbook);
            try {
                while (xml.hasNext()) {
                    if (xml.next() == XMLStreamConstants.START_ELEMENT && xml.getLocalName().equals("workbookPr")) {
                        String value = xml.getAttributeValue(null, "date1904");
                        return "1".equals(value) || "true".equalsIgnoreCase(value);
                    }
                }
                return false;
            } finally {
                xml.close();
            }
        }
    }

    private static SheetShape shape(InputStream sheet) throws XMLStreamException {
        List<CellRangeAddress> ranges = new ArrayList<>();
        int width = 0;
        int nextColumn = 0;
        XMLStreamReader xml = XMLHelper.newXMLInputFactory().createXMLStreamReader(sheet);
        try {
            while (xml.hasNext()) {
                if (xml.next() != XMLStreamConstants.START_ELEMENT) {
                    continue;
                }
                switch (xml.getLocalName()) {
                    case "row" -> nextColumn = 0;
                    case "c" -> {
                        String ref = xml.getAttributeValue(null, "r");
                        int column = ref == null ? nextColumn : new CellReference(ref).getCol();
                        nextColumn = column + 1;
                        width = Math.max(width, Math.min(column + 1, 16_384));
                    }
                    case "mergeCell" -> {
                        String ref = xml.getAttributeValue(null, "ref");
                        if (ref != null && ref.contains(":")) {
                            ranges.add(CellRangeAddress.valueOf(ref));
                        }
                    }
                    default -> {
                        // other elements do not shape the table
                    }
                }
            }
        } finally {
            xml.close();
        }
        return new SheetShape(ranges, width);
    }

    private static AnalysisException unreadable(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (message.contains("Zip bomb") || message.contains("zip bomb") || message.contains("exceeds the max")) {
            return new AnalysisException("the XLSX file was refused as a possible zip bomb: " + message, e);
        }
        return new AnalysisException("the XLSX file could not be read: " + message, e);
    }

    /** Pulls one {@code <row>} at a time out of the sheet's XML. */
    private static final class SheetReader implements RecordReader {
        private final OPCPackage pkg;
        private final InputStream stream;
        private final XMLStreamReader xml;
        private final ReadOnlySharedStringsTable strings;
        private final StylesTable styles;
        private final boolean date1904;
        private final MergedCells merged;
        private final int width;
        private long lastRow;

        SheetReader(OPCPackage pkg, InputStream stream, ReadOnlySharedStringsTable strings, StylesTable styles,
                    boolean date1904, MergedCells merged, int width) throws XMLStreamException {
            this.width = width;
            this.pkg = pkg;
            this.stream = stream;
            this.xml = XMLHelper.newXMLInputFactory().createXMLStreamReader(stream);
            this.strings = strings;
            this.styles = styles;
            this.date1904 = date1904;
            this.merged = merged;
        }

        @Override
        public SourceRecord next() throws IOException, AnalysisException {
            try {
                while (xml.hasNext()) {
                    int event = xml.next();
                    if (event == XMLStreamConstants.START_ELEMENT && xml.getLocalName().equals("row")) {
                        return row();
                    }
                    if (event == XMLStreamConstants.END_ELEMENT && xml.getLocalName().equals("sheetData")) {
                        return null;
                    }
                }
                return null;
            } catch (XMLStreamException e) {
                throw unreadable(e);
            }
        }

        private SourceRecord row() throws XMLStreamException, AnalysisException {
            String r = xml.getAttributeValue(null, "r");
            long number = r == null ? lastRow + 1 : Long.parseLong(r);
            lastRow = number;
            List<String> cells = new ArrayList<>();
            int nextColumn = 0;
            while (xml.hasNext()) {
                int event = xml.next();
                if (event == XMLStreamConstants.START_ELEMENT && xml.getLocalName().equals("c")) {
                    String ref = xml.getAttributeValue(null, "r");
                    int column = ref == null ? nextColumn : new CellReference(ref).getCol();
                    if (column < 0 || column > 16_383) {
                        throw new AnalysisException("row " + number + " has a cell beyond Excel's last column");
                    }
                    String value = cell(xml.getAttributeValue(null, "t"), xml.getAttributeValue(null, "s"));
                    while (cells.size() < column) {
                        cells.add("");
                    }
                    if (cells.size() == column) {
                        cells.add(value);
                    } else {
                        cells.set(column, value);
                    }
                    nextColumn = column + 1;
                } else if (event == XMLStreamConstants.END_ELEMENT && xml.getLocalName().equals("row")) {
                    break;
                }
            }
            while (cells.size() < width) {
                cells.add("");
            }
            return new SourceRecord(merged.fill((int) number - 1, cells), number);
        }

        /** Reads one {@code <c>} to its end and returns its value as text. */
        private String cell(String type, String style) throws XMLStreamException {
            String value = null;
            StringBuilder inline = null;
            int depth = 1;
            boolean inPhonetic = false;
            while (depth > 0 && xml.hasNext()) {
                int event = xml.next();
                if (event == XMLStreamConstants.START_ELEMENT) {
                    depth++;
                    String name = xml.getLocalName();
                    if (name.equals("v")) {
                        value = xml.getElementText();
                        depth--;
                    } else if (name.equals("rPh")) {
                        inPhonetic = true;
                    } else if (name.equals("t") && !inPhonetic) {
                        if (inline == null) {
                            inline = new StringBuilder();
                        }
                        inline.append(xml.getElementText());
                        depth--;
                    }
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    depth--;
                    if (xml.getLocalName().equals("rPh")) {
                        inPhonetic = false;
                    }
                }
            }
            String t = type == null ? "n" : type;
            return switch (t) {
                case "s" -> value == null ? "" : strings.getItemAt(Integer.parseInt(value.trim())).getString();
                case "inlineStr" -> inline == null ? "" : inline.toString();
                case "str", "e" -> value == null ? "" : value;
                case "b" -> value == null ? "" : value.trim().equals("1") ? "TRUE" : "FALSE";
                case "d" -> value == null ? "" : value.replace('T', ' ');
                default -> value == null ? "" : numeric(value, style);
            };
        }

        private String numeric(String value, String style) {
            if (style != null && styles != null) {
                try {
                    XSSFCellStyle cellStyle = styles.getStyleAt(Integer.parseInt(style.trim()));
                    if (cellStyle != null && DateUtil.isADateFormat(cellStyle.getDataFormat(), cellStyle.getDataFormatString())) {
                        return CellText.date(Double.parseDouble(value), date1904);
                    }
                } catch (NumberFormatException | IndexOutOfBoundsException e) {
                    // an odd style index or value: keep the number as written
                }
            }
            return CellText.number(value);
        }

        @Override
        public void close() throws IOException {
            try {
                xml.close();
            } catch (XMLStreamException ignored) {
                // closing anyway
            }
            stream.close();
            pkg.revert();
        }
    }
}
