"""The report: its plan from the data (laporan), the LKIP tables (tables), sentences chosen
by the numbers (narrative), charts, the pages notebooks render (pages), what a notebook
writes (artifacts), HTML (html, overview) and the Word/PDF document (dokumen)."""
