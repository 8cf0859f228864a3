#!/bin/bash
# Run once by the postgres image when it creates the primary's cluster (docker-entrypoint-initdb.d):
# a role the standby streams with, and the pg_hba line that lets it.
set -euo pipefail
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" \
  -c "create role replicator with replication login password '$(cat /run/secrets/replication-password)'"
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
