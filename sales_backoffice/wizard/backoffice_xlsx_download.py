from odoo import api, fields, models


class BackofficeXlsxDownload(models.TransientModel):
    """Holds one generated workbook until the browser downloads it."""

    _name = "backoffice.xlsx.download"
    _description = "Back Office Workbook Download"

    file_name = fields.Char(required=True)
    file_data = fields.Binary(required=True, attachment=False)

    @api.model
    def _download_action(self, file_name, data):
        download = self.create({"file_name": file_name, "file_data": data})
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{download.id}/file_data/{file_name}?download=true",
            "target": "download",
        }
