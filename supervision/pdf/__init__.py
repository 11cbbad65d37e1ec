"""The violation report as a court document: a PDF generated on the server with ReportLab.

One function, ``violation_report_pdf``, makes the file that the court clerk or parole board downloads
from the inbox and that the delivery job attaches to the email it sends the authority. It is laid out
like a filing: the court or board in the header, the case caption, numbered sections (the supervisee,
the supervision, the conditions violated, each violation with its evidence, the officer's narrative,
the recommendation), then the signature block of the officer and the approving supervisor.

``report_document_queryset`` owns the joins the document needs (the inbox's report page uses it too),
so a report with any number of violations loads in a fixed number of queries.

The package: ``content`` (what it shows), ``layout`` (fonts, styles, long text), ``sections``, ``pages``.
"""

from supervision.pdf.content import (
    ConditionViolated,
    conditions_violated,
    pdf_filename,
    report_document_queryset,
    report_violations,
)
from supervision.pdf.layout import document_fonts
from supervision.pdf.pages import violation_report_pdf

__all__ = [
    "ConditionViolated",
    "conditions_violated",
    "document_fonts",
    "pdf_filename",
    "report_document_queryset",
    "report_violations",
    "violation_report_pdf",
]
