/**
 * datapusher-worker loads the files of CKAN resources into CKAN's DataStore without ever losing the
 * table that is there. The core types live here: a job ({@code IngestJob}), its status and steps,
 * and the one {@code Backoff}. Every other package is named by its role, and imports only point
 * down (checked by {@code ArchitectureTest}):
 * <ul>
 *   <li>adapters: {@code rest} (the jobs API and CKAN's {@code POST /job}), {@code messaging}
 *       (RabbitMQ listeners and publishers), {@code health};</li>
 *   <li>{@code saga}: the ingest saga, over its steps and their contract ({@code saga.step});</li>
 *   <li>{@code followup}: {@code FollowUp}, the one owner of what a job still owes CKAN after its
 *       data is live, which the saga, the update-metadata step and the adapters all call;</li>
 *   <li>{@code service}: job state in the jobs database, running jobs, sweepers, metrics;</li>
 *   <li>the work: {@code download} (a file, safely), {@code formats} (CSV, XLSX, XLS, ZIP into
 *       records), {@code datastore} (staging, filling, indexing and the atomic swap),
 *       {@code client} (CKAN's Action API), {@code datapusherapi} (the DataPusher protocol),
 *       {@code repository}, {@code config};</li>
 *   <li>{@code analyze}: the table rules (where the table starts, headers, types), which depend
 *       on nothing above them.</li>
 * </ul>
 * {@code docs/how-a-job-runs.md} tells the same story for operators.
 */
package io.datapusher.worker;
