import base64

from odoo import api, fields, models
from odoo.tools import SQL, config


class BackofficeXlsxDownload(models.TransientModel):
    """Holds one generated workbook until the browser downloads it through
    ``/web/content``. Like every Binary field, ``file_data`` holds base64:
    ``/web/content`` decodes it. A record rule shows each download to the user
    who created it only."""

    _name = "backoffice.xlsx.download"
    _description = "Back Office Workbook Download"

    file_name = fields.Char(required=True)
    file_data = fields.Binary(required=True, attachment=False)

    @api.model
    def _download_action(self, file_name, data):
        """An action downloading ``data`` (the raw bytes of a workbook)."""
        download = self.create({"file_name": file_name, "file_data": base64.b64encode(data)})
        if config.get("db_replica_host"):
            # scale: /web/content is a read-only route, served on the replica,
            # which may not have this record yet. With a synchronous standby
            # configured (scripts/replica.sh) this transaction's commit waits
            # until the replica has applied it; without one, it changes nothing.
            self.env.cr.execute(SQL("SET LOCAL synchronous_commit = remote_apply"))
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{download.id}/file_data/{file_name}?download=true",
            "target": "download",
        }

    def _get_content(self):
        """The raw bytes of the workbook."""
        self.ensure_one()
        return base64.b64decode(self.file_data)
