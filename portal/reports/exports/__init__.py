"""CSV/XLSX exports: datasets (what, for whom, with which filters) and writers (the file formats)."""

from .datasets import DATASETS, Dataset, InvalidFilters, dataset_rows
from .writers import FORMATS, csv_bytes, export_response, xlsx_bytes

__all__ = [
    "DATASETS",
    "FORMATS",
    "Dataset",
    "InvalidFilters",
    "csv_bytes",
    "dataset_rows",
    "export_response",
    "xlsx_bytes",
]
