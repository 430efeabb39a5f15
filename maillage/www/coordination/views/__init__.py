"""Coordination pages, one module per subject (like les-emplois' www/*/views/).

Views only translate HTTP into service calls: every object comes from a
policy queryset (404 if not visible), every write goes through
maillage.coordination.services, through the web toolkit (www/common.py)."""
