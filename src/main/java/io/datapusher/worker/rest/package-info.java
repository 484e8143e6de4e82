/**
 * Thin REST resources: the jobs API ({@code /api/jobs}) and the DataPusher endpoints CKAN's
 * plugin calls ({@code POST /job}, {@code GET /job/{id}}). See {@code docs/api.md}.
 */
package io.datapusher.worker.rest;
