package io.datapusher.worker.formats;

import io.datapusher.worker.analyze.AnalysisException;
import org.apache.poi.openxml4j.opc.PackagePart;
import org.apache.poi.openxml4j.util.ZipSecureFile;

/**
 * Zip-bomb limits for the ZIP container of XLSX files, set deliberately rather than left to
 * defaults someone might later switch off. POI checks them on every part it inflates, while
 * inflating, so a bomb fails before memory or disk grows:
 * <ul>
 *   <li>inflate ratio: a part that compresses better than 1:100 is refused (POI's default; never
 *       disabled here, as many blog posts suggest);</li>
 *   <li>entry size: no part may inflate beyond {@code INGEST_DOWNLOAD_MAX_BYTES} (nor 4 GiB);</li>
 *   <li>parts loaded whole (shared strings, styles) must stay below {@link #WHOLE_PART_MAX_BYTES}.</li>
 * </ul>
 */
public final class SpreadsheetSafety {

    static final double MIN_INFLATE_RATIO = 0.01;
    /** Shared strings and styles live in memory; beyond this a workbook is refused. */
    static final long WHOLE_PART_MAX_BYTES = 128L * 1024 * 1024;

    private SpreadsheetSafety() {
    }

    /**
     * POI keeps these limits in static fields, the same for every workbook in this JVM, so they are
     * set once, at startup ({@link SpreadsheetSafetyAtStartup}), not per workbook.
     */
    public static synchronized void configure(long maxBytes) {
        ZipSecureFile.setMinInflateRatio(MIN_INFLATE_RATIO);
        ZipSecureFile.setMaxEntrySize(Math.min(maxBytes, 0xFFFFFFFFL));
    }

    static void checkPartSize(PackagePart part, String what) throws AnalysisException {
        if (part != null && part.getSize() > WHOLE_PART_MAX_BYTES) {
            throw new AnalysisException("the workbook's " + what + " part is " + part.getSize()
                    + " bytes uncompressed, more than the " + WHOLE_PART_MAX_BYTES + " the worker reads into memory");
        }
    }
}
