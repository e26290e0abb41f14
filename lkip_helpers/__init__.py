"""lkip_helpers: everything the LKIP notebooks compute, in one tested package.

Modules, each with one job:
    paths       where data, notebooks and outputs live
    errors      the one exception users see, with file/row/column
    numbers     parsing printed numbers and Indonesian display formatting
    schema      every table and column, defined once
    loading     read a dataset folder into validated DataFrames
    completeness  what a draft dataset still lacks; blanks allowed only in drafts
    saving      write a dataset folder (canonical CSV), validated before it is put in place
    excel       the Excel workbook to fill (lkip template) and its import (lkip import)
    newyear     next year's draft from this year's dataset (lkip new)
    capaian     capaian maths, averages, ordinal scale, efficiency
    budget      the kode-rekening hierarchy and its roll-up
    reports     the LKIP tables (Tabel 2.x, 3.x) rebuilt from data
    charts      one chart style and figure saving
    build       run the notebooks and write outputs/
    cli         the ``lkip`` command
"""

__version__ = "0.1.0"
