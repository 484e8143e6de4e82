#!/bin/bash
# Sourced by the ckan/ckan-base image's start_ckan.sh after prerun.py (database ready, sysadmin
# created), in the "ckan" profile of docker-compose.yml: CKAN's datapusher plugin and the
# datapusher-worker share one sysadmin API token, as ckan.datapusher.api_token and the worker's
# CKAN_API_TOKEN must be the same. The token is made once and kept beside CKAN's uploads, in the
# ckan_storage volume, which the worker mounts read-only. `docker compose down -v` starts afresh.
DATAPUSHER_WORKER_TOKEN="$CKAN_STORAGE_PATH/datapusher-worker-token"
if [ ! -s "$DATAPUSHER_WORKER_TOKEN" ]; then
    echo "datapusher-worker: creating the API token CKAN and the worker share"
    (umask 022 && ckan -c "$CKAN_INI" user token add "$CKAN_SYSADMIN_NAME" datapusher-worker \
        | tail -n 1 | tr -d '\t' > "$DATAPUSHER_WORKER_TOKEN")
fi
ckan config-tool "$CKAN_INI" "ckan.datapusher.api_token=$(cat "$DATAPUSHER_WORKER_TOKEN")"
