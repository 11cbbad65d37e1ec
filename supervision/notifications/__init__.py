"""A member of staff's notifications (issue 16, item 2): the bell in the top bar, the list, and how each
kind is delivered. Reads in ``selectors``, writes through ``supervision.services.notifications``."""
