/**
 * The RabbitMQ side: the topology declared at startup, the {@code resubmit} listener that runs the
 * saga and acks only once the outcome is written, the publishers, and the metadata retry's delay
 * queues. Listeners are thin adapters over {@code saga}.
 */
package io.datapusher.worker.messaging;
