"""django-import-export formats whose spreadsheet exports go through the one neutraliser
(:mod:`portal.spreadsheets`): every admin export (audit log, jobs, publications, dossiers…)
is covered without a resource class per model. JSON, YAML and HTML are left as they are."""

from __future__ import annotations

from import_export.formats import base_formats

from .spreadsheets import neutralise


class _Neutralised:
    def export_data(self, dataset, **kwargs):
        rows = [[neutralise(cell) for cell in row] for row in dataset]
        dataset = dataset.__class__(*rows, headers=dataset.headers, title=dataset.title)
        return super().export_data(dataset, **kwargs)


class CSV(_Neutralised, base_formats.CSV):
    pass


class TSV(_Neutralised, base_formats.TSV):
    pass


class XLSX(_Neutralised, base_formats.XLSX):
    pass


class XLS(_Neutralised, base_formats.XLS):
    pass


class ODS(_Neutralised, base_formats.ODS):
    pass


FORMATS = [
    fmt
    for fmt in (CSV, XLS, XLSX, TSV, ODS, base_formats.JSON, base_formats.YAML)
    if fmt.is_available()
]
