"""« À traiter »: every queue that applies to the acting organisation, each
with its most urgent items, its total and the link to the domain's full list."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from maillage.www.common import membership_required

from . import compose


@membership_required
def queue_list(request):
    queue_list = compose.queues_for_request(request, limit=compose.PAGE_LIMIT)
    if not queue_list and not compose.has_queues(request):
        raise Http404
    labels = compose.labels_of(queue_list)
    sections = [
        {
            "queue": queue,
            "rows": compose.rows(queue.items, labels),
            "more": max(queue.total - len(queue.items), 0),
        }
        for queue in queue_list
    ]
    return render(
        request,
        "queues/list.html",
        {
            "page_title": _("À traiter"),
            "sections": sections,
            "waiting": sum(queue.total for queue in queue_list),
        },
    )
