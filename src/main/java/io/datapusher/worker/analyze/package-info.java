/**
 * The table rules, independent of any file format: where the table starts in a stream of records
 * (title rows, header bands, footer notes), how headers become column ids CKAN accepts, and which
 * PostgreSQL type each column gets, decided from every row in constant memory. Readers in
 * {@code formats} feed it records; {@code docs/messy-csv.md} states the rules for operators.
 */
package io.datapusher.worker.analyze;
