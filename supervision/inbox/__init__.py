"""The inbox of court clerks and parole board staff: the reports routed to their court or board, their
PDF, and acknowledgement, hearing and disposition (URL namespace ``inbox``, under /inbox/)."""
