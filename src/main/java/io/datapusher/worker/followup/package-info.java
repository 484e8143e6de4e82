/**
 * Everything a job still owes CKAN once its data is live: the metadata update, default views and
 * the DataPusher callback, with their durable retry and parking ({@code FollowUp}), the event that
 * carries them through the retry queues, and the port the broker adapter implements to schedule
 * them. The saga, its update-metadata step, the listeners and the REST API all point down to it.
 */
package io.datapusher.worker.followup;
