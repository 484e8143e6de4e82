/**
 * CKAN's Action API as the worker uses it ({@code status_show}, {@code resource_show},
 * {@code resource_patch}, default views, the {@code datapusher_hook} callback), with MicroProfile
 * Fault Tolerance on the client wrapper, and CKAN's errors turned into exceptions that say whether
 * to retry.
 */
package io.datapusher.worker.client;
