"""The project package: settings, URLs, the dashboard and the demo data.

openpyxl writes worksheets through lxml whenever lxml is installed (python-docx
needs it), and lxml's ``xmlfile``, which openpyxl opens with no encoding, writes
every character outside ASCII as a numeric reference: ``&#1044;`` for each
Cyrillic letter, a Bulgarian roadmap's sheet XML about twice the size of the
same file saved by LibreOffice or Excel. With ``OPENPYXL_LXML=False`` openpyxl
writes with et_xmlfile, in UTF-8, at the same speed. openpyxl reads the switch
once, when it is first imported (``openpyxl.xml.lxml_env_set``), so it is set
here, before anything imports openpyxl: Django imports this package first,
for the settings (manage.py, wsgi, asgi, the tests and the benchmark alike).
The check ``actions.W001`` says so if openpyxl was imported earlier all the same.
"""

import os

os.environ.setdefault("OPENPYXL_LXML", "False")
