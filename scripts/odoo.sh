#!/usr/bin/env bash
# Run odoo-bin against the provisioned cluster with the project's
# configuration, e.g.
#   scripts/odoo.sh shell -d sales_backoffice
#   scripts/odoo.sh i18n export -d sales_backoffice sales_backoffice
#   scripts/odoo.sh -d sales_backoffice -u sales_backoffice --stop-after-init
# A first argument that is not an option is odoo-bin's subcommand: it goes
# before the configuration (see odoo_bin in common.sh).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
provision
trap stop_pg EXIT
odoo_bin "$@"
