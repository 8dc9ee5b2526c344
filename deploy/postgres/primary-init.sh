#!/bin/bash
# First start of the primary (docker-entrypoint-initdb.d): a user for the standby's replication
# connection, allowed in pg_hba.conf from the compose network.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v pass="$REPLICATION_PASSWORD" <<'SQL'
create role replicator with replication login password :'pass';
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
