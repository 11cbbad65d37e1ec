"""The officer's workspace: the caseload, the case page and its recording forms, violation reports
from draft to submission (URL namespace ``supervision``)."""
