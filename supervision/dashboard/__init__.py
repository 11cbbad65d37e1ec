"""The supervisor's pages: the dashboard and its figures, the cases behind a figure, caseload
assignment, report review and the CSV exports (URL namespace ``dashboard``, under /dashboard/)."""
