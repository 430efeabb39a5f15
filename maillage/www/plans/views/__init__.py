"""Pages of the national plan, one module per subject: the plan and its text
(plans), consultation rounds and contributions (rounds), the coordination's
side of a round (answers), and the follow-up of measures (followup).

Thin views: forms in, services for writes, selectors for reads, through the
web toolkit (www/common.py). Pages a user may not see answer 404, not 403
(style.md: do not confirm that a round or a plan in preparation exists)."""
