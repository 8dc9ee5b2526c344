#!/bin/bash
# The standby's start: on an empty volume, copy the primary (pg_basebackup -R writes
# standby.signal and primary_conninfo), then run PostgreSQL as a hot standby.
set -euo pipefail
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_basebackup -h postgres-primary -U replicator -D "$PGDATA" -R -X stream -c fast; do
    echo "waiting for the primary..."
    rm -rf "${PGDATA:?}"/*
    sleep 2
  done
  chmod 700 "$PGDATA"
fi
exec postgres -c hot_standby=on
