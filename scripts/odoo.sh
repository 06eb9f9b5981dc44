#!/usr/bin/env bash
# Run odoo-bin against the provisioned cluster, e.g.
#   scripts/odoo.sh shell -d sales_backoffice
#   scripts/odoo.sh -d sales_backoffice -u sales_backoffice --stop-after-init
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
provision
trap stop_pg EXIT
odoo_bin "$@"
