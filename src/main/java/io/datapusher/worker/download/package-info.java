/**
 * Downloads a resource's file to a temp file with its md5, within hard limits (size, idle and
 * total time), behind an SSRF guard that checks the address it dials, and sending the CKAN token
 * to CKAN's own origin only.
 */
package io.datapusher.worker.download;
