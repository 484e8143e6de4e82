#!/bin/bash
# Sets up a CKAN-like DataStore in the postgres:15 container. Run by the image's entrypoint
# (docker-entrypoint-initdb.d) once, when the data directory is empty.
#
#   roles      ckan_default (write) and datastore_default (read), password "pass"
#   databases  datastore_default (owned by the write role, as CKAN's documented `createdb -O` makes
#              it, so that the worker may create its staging schema), datapusher_jobs (its jobs DB) and
#              ckan_default (CKAN's own database, owned by ckan_default, for the "ckan" profile)
#   then       deploy/postgres/datastore-permissions.sql, CKAN's `datastore set-permissions`
#              output with {writeuser}, {readuser} and {datastoredb} substituted (for CKAN 2.12
#              point DATASTORE_PERMISSIONS_SQL at datastore-permissions-2.12.sql)
#
# Local development values; never reuse these passwords elsewhere.
set -euo pipefail

WRITE_USER="${DATASTORE_WRITE_USER:-ckan_default}"
WRITE_PASSWORD="${DATASTORE_WRITE_PASSWORD:-pass}"
READ_USER="${DATASTORE_READ_USER:-datastore_default}"
READ_PASSWORD="${DATASTORE_READ_PASSWORD:-pass}"
DATASTORE_DB="${DATASTORE_DB:-datastore_default}"
JOBS_DB="${JOBS_DB:-datapusher_jobs}"
CKAN_DB="${CKAN_DB:-ckan_default}"
PERMISSIONS_SQL="${DATASTORE_PERMISSIONS_SQL:-/opt/datastore/datastore-permissions.sql}"
PGUSER="${POSTGRES_USER:-postgres}"
export PGUSER

echo "init-datastore: roles $WRITE_USER/$READ_USER, databases $DATASTORE_DB, $JOBS_DB and $CKAN_DB"
psql -v ON_ERROR_STOP=1 -d postgres \
    -v write_user="$WRITE_USER" -v write_password="$WRITE_PASSWORD" \
    -v read_user="$READ_USER" -v read_password="$READ_PASSWORD" \
    -v datastore_db="$DATASTORE_DB" -v jobs_db="$JOBS_DB" -v ckan_db="$CKAN_DB" <<'SQL'
CREATE ROLE :"write_user" LOGIN PASSWORD :'write_password';
CREATE ROLE :"read_user" LOGIN PASSWORD :'read_password';
CREATE DATABASE :"datastore_db" OWNER :"write_user" ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE :"jobs_db" OWNER postgres ENCODING 'UTF8';
CREATE DATABASE :"ckan_db" OWNER :"write_user" ENCODING 'UTF8' TEMPLATE template0;
SQL

if [ ! -f "$PERMISSIONS_SQL" ]; then
    echo "init-datastore: $PERMISSIONS_SQL is missing" >&2
    exit 1
fi
echo "init-datastore: applying $PERMISSIONS_SQL to $DATASTORE_DB"
sed -e "s/{writeuser}/$WRITE_USER/g" \
    -e "s/{readuser}/$READ_USER/g" \
    -e "s/{datastoredb}/$DATASTORE_DB/g" \
    "$PERMISSIONS_SQL" \
    | psql -v ON_ERROR_STOP=1 -d "$DATASTORE_DB"
echo "init-datastore: done"
