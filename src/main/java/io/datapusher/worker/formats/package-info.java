/**
 * Readers: from a downloaded file to records for {@code analyze}. The format comes from the
 * resource's {@code format} field, else the file's magic bytes; CSV/TSV/PSV with their encoding
 * and delimiter detected, XLSX streamed, XLS, and a ZIP holding one of them. Zip-bomb limits for
 * POI are set once, at startup.
 */
package io.datapusher.worker.formats;
