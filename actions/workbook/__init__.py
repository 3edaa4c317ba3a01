"""The roadmap workbook: an .xlsx export of a roadmap for partners, and the
import of its Action Table sheet back into the database.

``export`` writes it (write-only, streaming), ``import_`` reads it back through
the action services, ``safety`` decides whether an uploaded file may be opened
at all, ``labels`` holds the headers both directions share (from the catalogue).
"""
