/**
 * The DataPusher protocol that CKAN's own {@code datapusher} plugin speaks: the body of
 * {@code POST /job}, the job document of {@code GET /job/{id}} and of the {@code datapusher_hook}
 * callback, its log lines, and the keys that guard them. Pure functions over the job row; the REST
 * resource and the follow-up use them.
 */
package io.datapusher.worker.datapusherapi;
